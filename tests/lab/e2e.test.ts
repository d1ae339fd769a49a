// The lab end to end: the main command brings the simulated desk up with `pulumi up`, the
// checks prove the services work together, a second run changes nothing, and teardown
// leaves nothing behind. Talks only to the lab's own containers and loopback.
import assert from "node:assert/strict";
import { execSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { hostAddress } from "../../model/network";
import { checkKeyspace, quorumWriteRead, ring, ringProblems } from "../../lab/checks/cassandra";
import { graphqlRead, stargateToken } from "../../lab/checks/graphql";
import { kraftQuorum, roundTrip } from "../../lab/checks/kafka";
import { LabContext, labContext, labDir } from "../../lab/checks/labContext";
import { swarmNodes, swarmProblems } from "../../lab/checks/swarm";

const root = join(__dirname, "..", "..");
const lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";
const run = (cmd: string) => spawnSync("bash", ["-c", cmd], { cwd: root, stdio: "inherit", env: process.env });
const leftovers = () => ["ps -aq", "volume ls -q", "network ls -q"].map((c) => execSync(`docker ${c} --filter label=deskcluster.lab=${lab}`, { encoding: "utf8" }).trim()).filter(Boolean);

describe("lab end to end (pulumi up on simulated boards)", function () {
  this.timeout(45 * 60_000);
  let ctx: LabContext;
  const cgroupsBefore = readdirSync("/sys/fs/cgroup").sort();
  const by = (role: string) => ctx.inventory.boards.filter((b) => b.roles.includes(role as never));

  before(() => {
    const up = run("bash lab/up.sh");
    assert.equal(up.status, 0, "lab/up.sh failed");
    ctx = labContext(root, labDir(lab));
  });

  after(() => {
    const down = run("bash lab/down.sh");
    assert.equal(down.status, 0, "lab/down.sh failed");
    assert.deepEqual(leftovers(), [], "containers, volumes or networks of the lab remain");
    assert.deepEqual(readdirSync("/sys/fs/cgroup").sort(), cgroupsBefore, "the host's cgroup hierarchies changed");
    // The stack files are the repository's: bringing a lab up and down must not rewrite them.
    assert.equal(execSync("git status --porcelain -- 'Pulumi*.yaml'", { cwd: root, encoding: "utf8" }), "", "lab up/down changed the Pulumi files");
  });

  it("has every board in the swarm with its inventory rack", async () => {
    assert.deepEqual(swarmProblems(ctx, await swarmNodes(ctx, by("swarm-manager")[0].name)), []);
  });

  it("has every Cassandra node Up/Normal in its rack", async () => {
    assert.deepEqual(ringProblems(ctx, await ring(ctx, by("cassandra")[0].name)), []);
  });

  it("has a KRaft leader and every voter of the ledger", async () => {
    const c = by("kafka-controller")[0];
    const q = await kraftQuorum(ctx, c.name, `${hostAddress(c)}:9092`);
    assert.deepEqual(q.voters, by("kafka-controller").map((b) => ctx.inventory.identity.kafka[b.name]).sort((a, b) => a - b));
    assert.ok(q.voters.includes(q.leaderId), `leader ${q.leaderId}`);
  });

  it("writes with acks=all to a topic with replication 3 and min ISR 2, and reads it back", async () => {
    const r = await roundTrip(by("kafka-broker").map((b) => `${hostAddress(b)}:9092`), `e2e-${Date.now()}`, 50);
    console.log(`      kafka: produced ${r.produced}, consumed ${r.consumed}, min ISR seen ${r.isr}`);
    assert.deepEqual([r.consumed, r.isr], [50, 3]);
  });

  let key = "";
  it("writes and reads at LOCAL_QUORUM in a NetworkTopologyStrategy keyspace with RF 3", async () => {
    key = `e2e-${Date.now()}`;
    assert.equal(await quorumWriteRead(ctx, key, "written by the e2e test"), "written by the e2e test");
  });

  it("returns that row through Stargate's GraphQL API", async function () {
    // Not a pass: reported as pending, with the reason, when this machine cannot build Stargate.
    if (!ctx.inventory.services.stargate) this.skip();
    const sg = hostAddress(by("stargate")[0]);
    assert.equal(await graphqlRead(sg, await stargateToken(sg, ctx.password), checkKeyspace, "kv", key), "written by the e2e test");
  });

  it("converges: a second pulumi up changes nothing", () => {
    const r = run(`. scripts/toolchain/env.sh && STACK=lab . scripts/stackEnv.sh && pulumi preview --stack lab --config-file ${labDir(lab)}/Pulumi.lab.yaml --policy-pack policies --expect-no-changes --non-interactive`);
    assert.equal(r.status, 0, "preview --expect-no-changes found changes");
  });
});

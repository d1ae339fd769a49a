// A board's life on the live lab, under the counted, acknowledged load of the day-2 tests: a board wiped like a
// dead SD card (new OS, data folder gone, new host key) comes back with its identity; a fifth board joins and
// leaves again, once decommissioned and once, its Cassandra node stopped, removed from the ring by a node that stays.
// Each `pulumi up` is the stack's own; the checks ask the boards, never the stack's state.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ring } from "../../lab/checks/cassandra";
import { containerOf, LabContext, labContext, labDir } from "../../lab/checks/labContext";
import { kraftQuorum } from "../../lab/checks/kafka";
import { swarmNodes, swarmProblems } from "../../lab/checks/swarm";
import { AckedLoad, formatCounts, LoadCounts } from "../../lab/load/ackedLoad";
import { pulumi, up } from "./labPulumi";

const root = join(__dirname, "..", "..");
const dir = labDir();
const wiped = "lab3";
const joining = { name: "lab5", address: "172.30.77.15", nodeId: 4 };

function boards(cmd: string, inventory?: string): void {
  const r = spawnSync("bash", ["lab/boards.sh", ...cmd.split(" ")], {
    cwd: root, stdio: "inherit", env: { ...process.env, ...(inventory ? { DESKCLUSTER_LAB_INVENTORY: inventory } : {}) },
  });
  assert.equal(r.status, 0, `lab/boards.sh ${cmd} failed`);
}

/** Runs a command inside a service's container on a board. */
const inService = (ctx: LabContext, board: string, service: string, cmd: string) =>
  ctx.sh(board, `ctr=${containerOf(service)}; [ -n "$ctr" ] && sudo docker exec "$ctr" ${cmd}`);
const kafkaTool = (ctx: LabContext, cmd: string) => inService(ctx, "lab1", "kafka-lab1", `${cmd} --bootstrap-server 172.30.77.11:9092`);
const tokensOf = async (ctx: LabContext, address: string) =>
  (await inService(ctx, "lab1", "cassandra-lab1", "nodetool ring")).split("\n").filter((l) => l.startsWith(`${address} `))
    .map((l) => l.trim().split(/\s+/).pop()).sort();
const underReplicated = async (ctx: LabContext) => (await kafkaTool(ctx, "kafka-topics --describe --under-replicated-partitions")).trim();
/** Replica lists per partition of a topic, e.g. ["1,2,3", "2,3,4"]. */
const replicas = async (ctx: LabContext, topic: string) =>
  [...(await kafkaTool(ctx, `kafka-topics --describe --topic ${topic}`)).matchAll(/Replicas: ([\d,]+)/g)].map((m) => m[1]);
const brokerIds = async (ctx: LabContext) =>
  [...(await kafkaTool(ctx, "kafka-broker-api-versions")).matchAll(/\(id: (\d+) /g)].map((m) => Number(m[1])).sort();

function assertNoLoss(counts: { kafka: LoadCounts; cassandra: LoadCounts }): void {
  assert.equal(counts.kafka.missing, 0, "acknowledged Kafka records missing");
  assert.equal(counts.cassandra.missing, 0, "acknowledged Cassandra rows missing");
  assert.ok(counts.kafka.acknowledged > 100 && counts.cassandra.acknowledged > 100, "the load ran through the change");
}

describe("board lifecycle on the live lab (under load)", function () {
  this.timeout(40 * 60_000);
  let ctx: LabContext;
  let inventory = "";
  let base: Record<string, any>;
  before(async () => {
    ctx = labContext(root, dir);
    // The inventory the stack runs now (an earlier test may have changed it): the exercise starts from there.
    const r = await pulumi("config get deskcluster:inventory");
    inventory = r.code === 0 ? r.out.trim().split("\n").pop()!.trim() : "stacks/lab.yaml";
    base = parse(readFileSync(inventory.startsWith("/") ? inventory : join(root, inventory), "utf8"));
  });
  after(async () => {
    await pulumi(`config set deskcluster:inventory ${inventory}`);
  });

  it("brings a wiped board back with its Kafka node id, cluster id and Cassandra tokens, losing no acknowledged write", async () => {
    const address = ctx.inventory.boards.find((b) => b.name === wiped)!.interfaces[0].address!;
    const tokens = await tokensOf(ctx, address);
    const clusterId = (await kafkaTool(ctx, "kafka-cluster cluster-id")).trim();
    assert.ok(tokens.length > 0 && /Cluster ID: \S+/.test(clusterId), `no tokens or cluster id: ${tokens.length} ${clusterId}`);
    const load = await AckedLoad.start(ctx, `wipe-${Date.now()}`);
    await new Promise((r) => setTimeout(r, 15_000)); // rows and records that exist before the board dies
    const acknowledgedBefore = load.cassandra.acknowledged;
    boards(`wipe ${wiped}`);
    ctx = labContext(root, dir); // the lab's own SSH checks pin the new key (lab/boards.sh wrote it); the stack does not yet
    // The new board answers with a new host key: refused, naming the config value, before anything changes.
    const refused = await up("--refresh");
    assert.notEqual(refused.code, 0, "pulumi up accepted a changed host key");
    const pinned = `board ${wiped} \\(${address.replace(/\./g, "\\.")}\\): host key differs .* config deskcluster:hostKeys\\["${wiped}"\\]`;
    assert.match(refused.out, new RegExp(pinned));
    // As the error says: the operator pins the new key.
    assert.equal((await pulumi(`config set --secret deskcluster:hostKeys < ${dir}/hostkeys.json`)).code, 0);
    // Not --refresh: a refresh reads each board with the key the last run pinned (the error says so).
    const r = await up();
    const counts = await load.stop();
    console.log(`      ${acknowledgedBefore} rows acknowledged before the wipe; the whole exercise:`);
    console.log(formatCounts(`the wipe of ${wiped}`, counts).replace(/^/gm, "      "));
    assert.equal(r.code, 0, "pulumi up did not bring the wiped board back");
    assert.match(r.out, new RegExp(`roll cassandra: ${wiped} \\(\\d+/\\d+\\): applying cassandra-${wiped} \\(replace\\)`), "no replace step");
    const meta = await ctx.console(wiped, "cat $(find /var/lib/deskcluster/kafka -name meta.properties | head -n 1)");
    assert.match(meta, /^node\.id=3$/m, "the wiped broker came back with another node id");
    assert.ok(clusterId.includes(/^cluster\.id=(\S+)$/m.exec(meta)![1]), `cluster id changed: ${meta} vs ${clusterId}`);
    assert.equal(await underReplicated(ctx), "", "partitions still under-replicated after pulumi up");
    assert.deepEqual(await tokensOf(ctx, address), tokens, "the replaced node owns other tokens");
    const nodes = await ring(ctx, "lab1");
    assert.ok(nodes.length === 3 && nodes.every((n) => n.status === "UN"), JSON.stringify(nodes));
    // The replace flag is gone: the node runs its usual spec.
    const env = await ctx.sh("lab1", `sudo docker service inspect cassandra-${wiped} --format '{{json .Spec.TaskTemplate.ContainerSpec.Env}}'`);
    assert.doesNotMatch(env, /replace_address/);
    const swarm = await swarmNodes(ctx, "lab1");
    assert.deepEqual(swarmProblems(ctx, swarm), []);
    assert.equal(swarm.filter((n) => n.hostname === wiped).length, 1, "the stale swarm node entry is still listed");
    // The wiped controller is a voter again and caught up with the leader.
    assert.deepEqual((await kraftQuorum(ctx, "lab1", "172.30.77.11:9092")).voters, [1, 2, 3]);
    const described = await inService(ctx, "lab1", "kafka-lab1", "kafka-metadata-quorum --bootstrap-server 172.30.77.11:9092 describe --replication");
    const replication = described.trim().split("\n").map((l) => l.trim().split(/\s+/));
    const lag = replication[0].indexOf("Lag");
    const mine = replication.find((f) => f[0] === "3");
    assert.ok(mine && /Leader|Follower/.test(mine.at(-1)!) && Number(mine[lag]) < 100, `node 3 in the quorum: ${JSON.stringify(replication)}`);
    assertNoLoss(counts);
  });

  /** lab5 started and joined by a `pulumi up` (under load when `counted`); returns the inventory without it again. */
  async function addFifth(counted: boolean): Promise<{ removed: string; topic: string }> {
    const withFifth = structuredClone(base);
    withFifth.identity.kafka[joining.name] = joining.nodeId;
    withFifth.boards.push({
      name: joining.name, model: "lab", os: "armbian", firstUser: "opi", ramMb: 4096, arch: "amd64", rack: "rack-1",
      interfaces: [{ name: "eth0", kind: "wired", address: joining.address }],
      roles: ["swarm-worker", "cassandra", "kafka-broker", "health-agent"],
    });
    const added = join(dir, "lab-lifecycle-added.yaml");
    writeFileSync(added, stringify(withFifth));
    boards("up", added);
    ctx = labContext(root, dir);
    assert.equal((await pulumi(`config set --secret deskcluster:hostKeys < ${dir}/hostkeys.json`)).code, 0);
    assert.equal((await pulumi(`config set deskcluster:inventory ${added}`)).code, 0);
    const topic = (base.services.health?.topic as string | undefined) ?? "deskcluster.health";
    const load = counted ? await AckedLoad.start(ctx, `add-${Date.now()}`) : undefined;
    const r = await up("--refresh");
    const counts = await load?.stop();
    if (counts) console.log(formatCounts(`${joining.name} joining`, counts).replace(/^/gm, "      "));
    assert.equal(r.code, 0, "pulumi up did not add the board");
    const joined = await ring(ctx, "lab1");
    assert.ok(joined.some((n) => n.address === joining.address && n.status === "UN"), JSON.stringify(joined));
    assert.deepEqual(await brokerIds(ctx), [1, 2, 3, joining.nodeId]);
    assert.ok((await replicas(ctx, topic)).some((l) => l.split(",").includes(String(joining.nodeId))), `${topic} not reassigned onto the new broker`);
    assert.ok((await swarmNodes(ctx, "lab1")).some((n) => n.hostname === joining.name && n.state === "ready"));
    if (counts) assertNoLoss(counts);
    // Taken out of the inventory again (its ledger id stays retired in identity.kafka).
    const without = structuredClone(withFifth);
    without.boards = without.boards.filter((b: { name: string }) => b.name !== joining.name);
    const removed = join(dir, "lab-lifecycle-removed.yaml");
    writeFileSync(removed, stringify(without));
    return { removed, topic };
  }

  /** lab5 out of the inventory by a `pulumi up` under load, its Cassandra node taken out of the ring by `removal`. */
  async function removeFifth(removed: string, topic: string, removal: string): Promise<string> {
    assert.equal((await pulumi(`config set deskcluster:inventory ${removed}`)).code, 0);
    const load = await AckedLoad.start(ctx, `remove-${Date.now()}`);
    const gone = await up("--refresh");
    const counts = await load.stop();
    console.log(formatCounts(`${joining.name} leaving`, counts).replace(/^/gm, "      "));
    assert.equal(gone.code, 0, "pulumi up did not remove the board");
    const order = [removal, "kafka-reassign", `left the inventory: removing kafka-${joining.name}`]
      .map((l) => gone.out.indexOf(l));
    assert.ok(order.every((i) => i >= 0), `missing steps: ${order}`);
    assert.ok(order[1] < order[2], "the broker stopped before its partitions moved off");
    const ringAfter = await ring(ctx, "lab1");
    assert.ok(ringAfter.length === 3 && ringAfter.every((n) => n.status === "UN"), JSON.stringify(ringAfter));
    assert.ok((await replicas(ctx, topic)).every((l) => !l.split(",").includes(String(joining.nodeId))), "replicas left on the removed broker");
    assert.deepEqual(await brokerIds(ctx), [1, 2, 3]);
    assert.equal(await underReplicated(ctx), "");
    assert.deepEqual((await kraftQuorum(ctx, "lab1", "172.30.77.11:9092")).voters, [1, 2, 3]);
    const nodes = await swarmNodes(ctx, "lab1");
    assert.ok(!nodes.some((n) => n.hostname === joining.name), `${joining.name} still in docker node ls`);
    boards(`remove ${joining.name}`, removed);
    ctx = labContext(root, dir);
    assert.equal((await pulumi(`config set --secret deskcluster:hostKeys < ${dir}/hostkeys.json`)).code, 0);
    assertNoLoss(counts);
    return gone.out;
  }

  it("adds a fifth board (it joins the ring, its broker takes a share of the health topic), then removes it cleanly", async () => {
    const { removed, topic } = await addFifth(true);
    await removeFifth(removed, topic, `roll cassandra: ${joining.name}: cassandra-decommission`);
  });

  it("removes a board whose Cassandra node is down: a node that stays takes it out of the ring (removenode)", async () => {
    const { removed, topic } = await addFifth(false);
    // Its node stopped for good (as on a dead board; the swarm puts back no task of a service scaled to none): a node
    // that does not run cannot decommission itself. A node kept running with its gossip off would not do: stopped
    // later, it announces its shutdown to the others and comes back to their ring as a down node.
    await ctx.sh("lab1", `sudo docker service scale --detach cassandra-${joining.name}=0 >/dev/null`);
    for (let i = 0; i < 60 && !(await ring(ctx, "lab1")).some((n) => n.address === joining.address && n.status === "DN"); i++) {
      await new Promise((r) => setTimeout(r, 2000));
    }
    assert.ok((await ring(ctx, "lab1")).some((n) => n.address === joining.address && n.status === "DN"), `${joining.name} never seen down`);
    const out = await removeFifth(removed, topic, `roll cassandra: ${joining.name}: cassandra-removenode`);
    assert.doesNotMatch(out, /cassandra-decommission/, "a down node was asked to decommission itself");
  });
});

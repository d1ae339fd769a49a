// The lab end to end: the main command brings the simulated desk up with `pulumi up`, the
// checks prove the services work together, a second run changes nothing, and teardown
// leaves nothing behind. Talks only to the lab's own containers and loopback.
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gatewayBoards } from "../../model/gatewayConfig";
import { hostAddress } from "../../model/network";
import { checkKeyspace, quorumWriteRead, ring, ringProblems } from "../../lab/checks/cassandra";
import { graphqlQuery, graphqlRead, stargateToken } from "../../lab/checks/graphql";
import { healthTable } from "../../model/healthConfig";
import { compareKafkaWithRows, latestVitals, sinkOutage, waitForRows } from "../../lab/checks/health";
import { kraftQuorum, roundTrip } from "../../lab/checks/kafka";
import { latestVitalsGraphql } from "../../health/latestVitals";
import { dayOf } from "../../health/record";
import { LabContext, labContext, labDir } from "../../lab/checks/labContext";
import { swarmNodes, swarmProblems } from "../../lab/checks/swarm";

const root = join(__dirname, "..", "..");
const lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";

// The lab is brought up and torn down once for every lab test file (tests/lab/hooks.ts).
describe("lab end to end (pulumi up on simulated boards)", function () {
  this.timeout(45 * 60_000);
  let ctx: LabContext;
  const by = (role: string) => ctx.inventory.boards.filter((b) => b.roles.includes(role as never));

  before(() => {
    ctx = labContext(root, labDir(lab));
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

  it("returns that row through the GraphQL gateway (Stargate's API)", async () => {
    const gw = gatewayBoards(ctx.inventory)[0];
    assert.ok(gw, "no graphql-gateway board");
    const sg = hostAddress(gw);
    assert.equal(await graphqlRead(sg, await stargateToken(sg, ctx.password), checkKeyspace, "kv", key), "written by the e2e test");
  });

  it("stores at least 10 vitals rows per board within 30 s of pulumi up finishing", async function () {
    // lab/up.sh measures it right after converging (lab/checks/rowsAfterUp.ts): by now the
    // budget is long spent, so this test judges that measurement of this very run.
    const { rowsAfterUpFile, rowsWanted } = await import("../../lab/checks/rowsAfterUp");
    const m = JSON.parse(readFileSync(join(labDir(lab), rowsAfterUpFile), "utf8")) as import("../../lab/checks/rowsAfterUp").RowsAfterUp;
    if (m.skipped) this.skip();
    assert.equal(m.convergedAt, Number(readFileSync(join(labDir(lab), "converged-at"), "utf8")), "a measurement of another run");
    const took = m.ms === undefined ? "longer than lab/up.sh watched" : `${(m.ms / 1000).toFixed(1)}s`;
    console.log(`      ${rowsWanted} health rows on every board ${took} after pulumi up: ${JSON.stringify(m.counts)}`);
    assert.deepEqual(Object.keys(m.counts).sort(), by("health-agent").map((b) => b.name).sort());
    assert.ok(m.ms !== undefined && m.ms <= 30_000, `${rowsWanted} rows per board took ${took} after pulumi up (budget 30 s)`);
    // The counted rows are stored rows: they are all still there.
    const { counts } = await waitForRows(ctx, 0, 0);
    for (const [b, n] of Object.entries(m.counts)) assert.ok(counts[b] >= n, `${b}: ${counts[b]} rows now, ${n} counted after pulumi up`);
  });

  it("shows every board in the health command", () => {
    const out = execSync("npx --no-install ts-node --transpile-only cli/health.ts", { cwd: root, encoding: "utf8" });
    console.log(out.replace(/^/gm, "      "));
    for (const b of by("health-agent")) assert.match(out, new RegExp(`^${b.name}\\s+\\d+s\\s`, "m"), `${b.name} in:\n${out}`);
  });

  it("returns the latest vitals row per board through the GraphQL gateway (Stargate's API)", async () => {
    const gw = gatewayBoards(ctx.inventory)[0];
    assert.ok(gw, "no graphql-gateway board");
    const sg = hostAddress(gw);
    const token = await stargateToken(sg, ctx.password);
    const latest = await latestVitals(ctx);
    for (const b of by("health-agent")) {
      const data = await graphqlQuery(sg, token, ctx.inventory.services.health!.keyspace, latestVitalsGraphql(healthTable, b.name, dayOf(Date.now())));
      const row = data?.[healthTable]?.values?.[0];
      assert.ok(row && latest.get(b.name), `no GraphQL row for ${b.name}`);
      // Read after Cassandra's newest row, so at least as new (a row arrives every second).
      assert.ok(new Date(row.ts).getTime() >= (latest.get(b.name)!.ts as Date).getTime(), `GraphQL's newest row of ${b.name} is older than Cassandra's`);
    }
  });

  it("loses no acknowledged record and stores no duplicate when the sink is down for 20 s", async () => {
    await sinkOutage(ctx, 20);
    const l = await compareKafkaWithRows(ctx);
    console.log(`      after a 20 s sink outage: ${l.acked} records acknowledged by Kafka (${l.distinct} distinct, ${l.resent} resent),`
      + ` ${l.stored} stored as rows, ${l.missing.length} missing, ${l.unexpected.length} rows without a record`);
    assert.deepEqual(l.missing, []);
    assert.deepEqual(l.unexpected, []);
    assert.equal(l.stored, l.distinct);
    assert.ok(l.distinct > 0);
  });
});

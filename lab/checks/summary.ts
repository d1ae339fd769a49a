// The lab's health summary, printed by the main command: swarm nodes and racks, the
// Cassandra ring with racks, the KRaft leader and voters, a GraphQL answer, and the latest
// vitals per board read through the GraphQL gateway.
// Exit 1 when any check finds a problem.
import { hostAddress } from "../../model/network";
import { checkKeyspace, quorumWriteRead, ring, ringProblems } from "./cassandra";
import { graphqlRead, stargateToken } from "./graphql";
import { vitalsTable } from "../../health/latestVitals";
import { graphqlEndpoints, graphqlSession, latestVitalsOverGraphql } from "../../health/vitalsGraphql";
import { healthTable } from "../../model/healthConfig";
import { waitForRows } from "./health";
import { kraftQuorum } from "./kafka";
import { labContext } from "./labContext";
import { swarmNodes, swarmProblems } from "./swarm";

async function main(): Promise<void> {
  const ctx = labContext();
  const inv = ctx.inventory;
  const by = (role: string) => inv.boards.filter((b) => b.roles.includes(role as never));
  const manager = by("swarm-manager")[0].name;
  const problems: string[] = [];

  const nodes = await swarmNodes(ctx, manager);
  problems.push(...swarmProblems(ctx, nodes));
  console.log("swarm nodes:");
  for (const n of nodes) console.log(`  ${n.hostname.padEnd(8)} ${n.state.padEnd(6)} ${n.rack}`);

  const cassandra = by("cassandra");
  const members = await ring(ctx, cassandra[0].name);
  problems.push(...ringProblems(ctx, members));
  console.log(`cassandra ring (datacenter ${inv.cluster.datacenter}):`);
  for (const m of members) console.log(`  ${m.status} ${m.address.padEnd(14)} ${m.rack}`);

  const controller = by("kafka-controller")[0];
  const q = await kraftQuorum(ctx, controller.name, `${hostAddress(controller)}:9092`);
  const expected = Object.entries(inv.identity.kafka).filter(([b]) => by("kafka-controller").some((c) => c.name === b))
    .map(([, id]) => id).sort((a, b) => a - b);
  if (JSON.stringify(q.voters) !== JSON.stringify(expected)) problems.push(`kafka: voters ${q.voters} but the ledger says ${expected}`);
  console.log(`kraft quorum: leader ${q.leaderId}, voters ${q.voters.join(",")}`);

  const key = `summary-${Date.now()}`;
  const read = await quorumWriteRead(ctx, key, "hello from the lab");
  if (read !== "hello from the lab") problems.push(`cassandra: LOCAL_QUORUM read gave ${read}`);
  console.log(`cassandra: LOCAL_QUORUM write and read in ${checkKeyspace} (RF 3): ${read === "hello from the lab" ? "ok" : "FAILED"}`);
  if (ctx.omitted.length > 0) console.log(`left out of this lab (no image could be built here): ${ctx.omitted.join(", ")}`);
  for (const sg of inv.services.stargate ? by("stargate") : []) {
    const token = await stargateToken(hostAddress(sg), ctx.password);
    const answer = await graphqlRead(hostAddress(sg), token, checkKeyspace, "kv", key);
    console.log(`graphql on ${sg.name}: ${checkKeyspace}.kv[${key}] = ${JSON.stringify(answer)}`);
    if (answer !== "hello from the lab") problems.push(`stargate: GraphQL on ${sg.name} answered ${answer}`);
  }
  if (inv.services.health) {
    try {
      await waitForRows(ctx, 1, 60_000); // counted in Cassandra: rows arrive at all
      const ks = inv.services.health.keyspace;
      if (graphqlEndpoints(inv).length === 0 && ctx.omitted.includes("gateway")) {
        console.log("latest vitals: not shown, the GraphQL gateway is left out of this lab");
      } else {
        const session = await graphqlSession(inv, ctx.password);
        const rows = await latestVitalsOverGraphql(session, ks, healthTable, by("health-agent").map((b) => b.name).sort());
        console.log(`latest vitals (${ks}.${healthTable}, through Kafka), read through GraphQL at ${session.endpoint.graphql}/${ks}:`);
        console.log(vitalsTable(rows).replace(/^/gm, "  "));
      }
    } catch (err) { problems.push(`health: ${(err as Error).message}`); }
  }
  for (const p of problems) console.log(`PROBLEM ${p}`);
  console.log(problems.length === 0 ? "lab health: ok" : `lab health: ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

main().catch((err) => { console.error(`lab health: ${(err as Error).message}`); process.exitCode = 1; });

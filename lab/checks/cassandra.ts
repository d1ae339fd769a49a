// Cassandra: the ring as nodetool sees it, and a NetworkTopologyStrategy keyspace with RF 3
// that takes a write and a read at LOCAL_QUORUM through cassandra-driver.
import { auth, Client, types } from "cassandra-driver";
import { hostAddress } from "../../model/network";
import { serviceName } from "../../model/serviceNames";
import { containerOf, LabContext } from "./labContext";

export interface RingNode { status: string; address: string; rack: string }

export async function ring(ctx: LabContext, board: string): Promise<RingNode[]> {
  const out = await ctx.sh(board, `sudo docker exec ${containerOf(serviceName("cassandra", board))} nodetool status`);
  return out.split("\n").filter((l) => /^[UD][NLJM]\s/.test(l))
    .map((l) => { const f = l.trim().split(/\s+/); return { status: f[0], address: f[1], rack: f[f.length - 1] }; });
}

export function ringProblems(ctx: LabContext, nodes: RingNode[]): string[] {
  return ctx.inventory.boards.filter((b) => b.roles.includes("cassandra")).flatMap((b) => {
    const n = nodes.find((x) => x.address === hostAddress(b));
    if (!n) return [`cassandra: board ${b.name} is not in the ring`];
    if (n.status !== "UN") return [`cassandra: board ${b.name} is ${n.status}, not Up/Normal`];
    return n.rack === b.rack ? [] : [`cassandra: board ${b.name} in rack ${n.rack}, inventory says ${b.rack}`];
  });
}

export const checkKeyspace = "deskcluster_check";

export async function cassandraClient(ctx: LabContext): Promise<Client> {
  const points = ctx.inventory.boards.filter((b) => b.roles.includes("cassandra")).map(hostAddress);
  const client = new Client({
    contactPoints: points, localDataCenter: ctx.inventory.cluster.datacenter,
    authProvider: new auth.PlainTextAuthProvider("cassandra", ctx.password),
    queryOptions: { consistency: types.consistencies.localQuorum },
  });
  await client.connect();
  return client;
}

/** Writes a row at LOCAL_QUORUM and reads it back; returns the value read. */
export async function quorumWriteRead(ctx: LabContext, key: string, value: string): Promise<string | undefined> {
  const client = await cassandraClient(ctx);
  try {
    const replication = `{'class': 'NetworkTopologyStrategy', '${ctx.inventory.cluster.datacenter}': 3}`;
    await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${checkKeyspace} WITH replication = ${replication}`);
    await client.execute(`CREATE TABLE IF NOT EXISTS ${checkKeyspace}.kv (k text PRIMARY KEY, v text)`);
    await client.execute(`INSERT INTO ${checkKeyspace}.kv (k, v) VALUES (?, ?)`, [key, value], { prepare: true });
    const rs = await client.execute(`SELECT v FROM ${checkKeyspace}.kv WHERE k = ?`, [key], { prepare: true });
    return rs.first()?.get("v") as string | undefined;
  } finally {
    await client.shutdown();
  }
}

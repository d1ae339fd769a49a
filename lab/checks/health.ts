// The health pipeline on the lab: rows arrive for every board, and an outage of the sink
// loses nothing Kafka acknowledged and shows no duplicate (records in Kafka vs rows stored).
import { Kafka, logLevel } from "kafkajs";
import { latestPerBoard, storedTimes, VitalsRow } from "../../health/latestVitals";
import { dayOf } from "../../health/record";
import { healthOf, healthSinkGroup, healthTable } from "../../model/healthConfig";
import { hostAddress } from "../../model/network";
import { boardsWithRole } from "../../model/placement";
import { serviceName } from "../../model/serviceNames";
import { cassandraClient } from "./cassandra";
import { LabContext } from "./labContext";

const agents = (ctx: LabContext) => boardsWithRole(ctx.inventory, "health-agent").map((b) => b.name).sort();
const brokers = (ctx: LabContext) => boardsWithRole(ctx.inventory, "kafka-broker").map((b) => `${hostAddress(b)}:9092`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function rowsPerBoard(ctx: LabContext): Promise<Record<string, number>> {
  const h = healthOf(ctx.inventory);
  const client = await cassandraClient(ctx);
  try {
    const days = [dayOf(Date.now() - 86_400_000), dayOf(Date.now())];
    const out: Record<string, number> = {};
    for (const b of agents(ctx)) out[b] = (await storedTimes(client, h.keyspace, healthTable, b, days)).length;
    return out;
  } finally { await client.shutdown(); }
}

/** Polls until every board has `min` rows; returns the counts and how long it took. */
export async function waitForRows(ctx: LabContext, min: number, timeoutMs: number): Promise<{ counts: Record<string, number>; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const counts = await rowsPerBoard(ctx);
    if (Object.values(counts).every((n) => n >= min)) return { counts, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`health rows after ${timeoutMs / 1000}s: ${JSON.stringify(counts)} (want ${min} each)`);
    await sleep(1000);
  }
}

/** Cassandra's own answer, read with CQL: the reference the lab tests hold the GraphQL reads against. */
export async function latestVitals(ctx: LabContext): Promise<Map<string, VitalsRow | undefined>> {
  const h = healthOf(ctx.inventory);
  const client = await cassandraClient(ctx);
  try { return await latestPerBoard(client, h.keyspace, healthTable, agents(ctx)); } finally { await client.shutdown(); }
}

/** missing: acknowledged but not stored; unexpected: stored rows no acknowledged record explains. */
export interface Ledger { acked: number; distinct: number; resent: number; stored: number; missing: string[]; unexpected: string[] }

/** Every record Kafka holds up to now vs the rows stored, once the sink group has caught up. */
export async function compareKafkaWithRows(ctx: LabContext, timeoutMs = 120_000): Promise<Ledger> {
  const h = healthOf(ctx.inventory);
  const kafka = new Kafka({ clientId: "deskcluster-check", brokers: brokers(ctx), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const end = await admin.fetchTopicOffsets(h.topic);
  const want = new Map(end.map((p) => [p.partition, Number(p.high)]));
  const t0 = Date.now();
  try {
    for (;;) { // the sink has committed past the snapshot on every partition
      const [group] = await admin.fetchOffsets({ groupId: healthSinkGroup, topics: [h.topic] });
      // An empty partition has nothing to commit (offset -1): it is caught up by definition.
      if (group.partitions.every((p) => (want.get(p.partition) ?? 0) === 0 || Number(p.offset) >= want.get(p.partition)!)) break;
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`sink group behind after ${timeoutMs / 1000}s: ${JSON.stringify(group.partitions)} vs ${JSON.stringify([...want])}`);
      }
      await sleep(1000);
    }
  } finally { await admin.disconnect(); }

  const keys: string[] = [];
  const consumer = kafka.consumer({ groupId: `deskcluster-check-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: h.topic, fromBeginning: true });
  const done = new Set([...want].filter(([, high]) => high === 0).map(([p]) => p));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read the health topic up to ${JSON.stringify([...want])} in 60s: no`)), 60_000);
    if (done.size === want.size) { clearTimeout(timer); resolve(); return; }
    void consumer.run({ eachMessage: async ({ partition, message }) => {
      if (Number(message.offset) < want.get(partition)!) {
        const r = JSON.parse(String(message.value)) as { board: string; ts: number };
        keys.push(`${r.board}@${r.ts}`);
      }
      if (Number(message.offset) >= want.get(partition)! - 1) done.add(partition);
      if (done.size === want.size) { clearTimeout(timer); resolve(); }
    } });
  });
  await consumer.disconnect();

  const distinct = new Set(keys);
  const client = await cassandraClient(ctx);
  const stored = new Set<string>();
  try {
    const days = [...new Set([...distinct].map((k) => dayOf(Number(k.split("@")[1]))))];
    for (const b of agents(ctx)) for (const ts of await storedTimes(client, h.keyspace, healthTable, b, days)) stored.add(`${b}@${ts}`);
  } finally { await client.shutdown(); }
  const missing = [...distinct].filter((k) => !stored.has(k));
  const newest = new Map<string, number>();
  for (const k of distinct) { const [b, ts] = k.split("@"); newest.set(b, Math.max(newest.get(b) ?? 0, Number(ts))); }
  const unexpected = [...stored].filter((k) => { const [b, ts] = k.split("@"); return Number(ts) <= (newest.get(b) ?? 0) && !distinct.has(k); });
  return { acked: keys.length, distinct: distinct.size, resent: keys.length - distinct.size, stored: distinct.size - missing.length, missing, unexpected };
}

/** Stops the sink (scale 0) for `seconds`, then starts it again, through the swarm manager. */
export async function sinkOutage(ctx: LabContext, seconds: number): Promise<void> {
  const manager = boardsWithRole(ctx.inventory, "swarm-manager")[0].name;
  for (const sink of boardsWithRole(ctx.inventory, "health-sink")) {
    const service = serviceName("health-sink", sink.name);
    await ctx.sh(manager, `sudo docker service scale -d ${service}=0 >/dev/null`);
    await sleep(seconds * 1000);
    await ctx.sh(manager, `sudo docker service scale -d ${service}=1 >/dev/null`);
  }
}

// Kafka: the KRaft quorum as kafka-metadata-quorum reports it, and a topic with replication 3
// and min ISR 2 that takes acks=all writes and gives them back through kafkajs.
import { Kafka, logLevel } from "kafkajs";
import { serviceName } from "../../model/serviceNames";
import { containerOf, LabContext } from "./labContext";

export interface Quorum { leaderId: number; voters: number[] }

export async function kraftQuorum(ctx: LabContext, board: string, bootstrap: string): Promise<Quorum> {
  const ctr = containerOf(serviceName("kafka", board));
  const out = await ctx.sh(board, `sudo docker exec ${ctr} kafka-metadata-quorum --bootstrap-server ${bootstrap} describe --status`);
  return parseQuorumStatus(out, board);
}

/** `describe --status` output: voters are `[1,2,3]` before Kafka 3.7, JSON objects with ids after. */
export function parseQuorumStatus(out: string, board = "?"): Quorum {
  const leader = /^LeaderId:\s+(\d+)/m.exec(out);
  const voters = /^CurrentVoters:\s+(\[.*\])\s*$/m.exec(out);
  if (!leader || !voters) throw new Error(`kafka-metadata-quorum on ${board} said:\n${out}`);
  const list = JSON.parse(voters[1]) as (number | { id: number })[];
  const ids = list.map((v) => (typeof v === "number" ? v : v.id));
  return { leaderId: Number(leader[1]), voters: [...new Set(ids)].sort((a, b) => a - b) };
}

export async function roundTrip(bootstrap: string[], topic: string, count: number): Promise<{ produced: number; consumed: number; isr: number }> {
  const kafka = new Kafka({ clientId: "deskcluster-check", brokers: bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: "min.insync.replicas", value: "2" }] }], waitForLeaders: false,
  });
  // A new topic's metadata reaches every broker a moment later ("does not host this
  // topic-partition" until then): wait for leaders and full ISRs, 30 s at most.
  let isr = 0;
  for (const end = Date.now() + 30_000; ;) {
    try {
      const parts = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions;
      isr = Math.min(...parts.map((p) => p.isr.length));
      if (parts.length === 3 && parts.every((p) => p.leader >= 0) && isr === 3) break;
    } catch (err) {
      if (Date.now() > end) throw err;
    }
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const sent = Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `check-${i}` }));
  await producer.send({ topic, acks: -1, messages: sent });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}-reader` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${seen.size}/${count} records from ${topic} in 60s`)), 60_000);
    void consumer.run({ eachMessage: async ({ message }) => { seen.add(String(message.value)); if (seen.size >= count) { clearTimeout(timer); resolve(); } } });
  });
  await consumer.disconnect();
  return { produced: count, consumed: seen.size, isr };
}

// The health sink: a kafkajs consumer group that writes each batch of records into the
// vitals table and only then commits the batch's offsets. At-least-once delivery plus
// idempotent rows: a restart replays at most the uncommitted tail, onto the same rows.
import { auth, Client, types } from "cassandra-driver";
import { Kafka, logLevel } from "kafkajs";
import { readFileSync } from "node:fs";
import { decodeRecord } from "./record";
import { sinkSettings } from "./settings";
import { insertCql, rowParams } from "./vitalsRow";

async function main(): Promise<void> {
  const s = sinkSettings(process.env);
  const password = readFileSync(s.passwordFile, "utf8").trim();
  const cassandra = new Client({
    contactPoints: s.contactPoints, localDataCenter: s.datacenter,
    authProvider: new auth.PlainTextAuthProvider(s.user, password),
    queryOptions: { consistency: types.consistencies.localQuorum, prepare: true },
  });
  await cassandra.connect();
  const insert = insertCql(s.keyspace, s.table);
  const kafka = new Kafka({ clientId: "health-sink", brokers: s.brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: s.group, rackId: s.rack, sessionTimeout: 30_000 });
  await consumer.connect();
  await consumer.subscribe({ topic: s.topic, fromBeginning: true });
  let stored = 0, rejected = 0;

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning }) => {
      const rows: unknown[][] = [];
      for (const m of batch.messages) {
        const d = decodeRecord(m.value);
        if (d.ok) rows.push(rowParams(d.record));
        else { rejected++; console.error(`health-sink: skipped offset ${m.offset} of partition ${batch.partition}: ${d.error}`); }
      }
      // Throws on failure: kafkajs retries the batch and no offset is committed past it.
      await Promise.all(rows.map((p) => cassandra.execute(insert, p)));
      if (!isRunning()) return;
      const last = batch.messages[batch.messages.length - 1];
      if (last) {
        resolveOffset(last.offset);
        // Committed only now that every row of the batch is written: the next offset to read.
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
      }
      await heartbeat();
      stored += rows.length;
    },
  });
  const report = setInterval(() => console.log(`health-sink: stored ${stored}, rejected ${rejected}`), 60_000);

  const stop = async (): Promise<void> => {
    clearInterval(report);
    await consumer.disconnect().catch(() => undefined);
    await cassandra.shutdown().catch(() => undefined);
    console.log(`health-sink: stopped; stored ${stored}, rejected ${rejected}`);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => { console.error(`health-sink: ${(err as Error).message}`); process.exit(1); });

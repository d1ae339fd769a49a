// The health agent: samples its board once a second and produces one record keyed by board
// to the health topic with acks=all. Kafka being away is normal on a desk: records wait in
// a bounded outbox and nothing crashes; a record leaves the outbox only once acknowledged.
import { Kafka, logLevel, Producer } from "kafkajs";
import { join } from "node:path";
import { agentSettings } from "./settings";
import { Outbox } from "./outbox";
import { encodeRecord, HealthRecord } from "./record";
import { Sampler } from "./sampler";

async function main(): Promise<void> {
  const s = agentSettings(process.env);
  const sampler = new Sampler(s.board, { proc: join(s.hostRoot, "proc"), sys: join(s.hostRoot, "sys"), dataDir: join(s.hostRoot, s.dataDir) });
  const outbox = new Outbox<HealthRecord>(s.outboxLimit);
  // kafkajs' per-attempt error lines are silenced; the agent logs one line per failed send.
  // Retries are bounded (about 10 s) so an outage shows up in the log and the outbox; the
  // sink's idempotent rows make a resend after an uncertain failure harmless.
  const kafka = new Kafka({
    clientId: `health-agent-${s.board}`, brokers: s.brokers, logLevel: logLevel.NOTHING,
    connectionTimeout: 3000, retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 5000 },
  });
  let producer: Producer | undefined;
  let sent = 0, failures = 0, sending = false, stopping = false;

  const flush = async (): Promise<void> => {
    if (sending || outbox.size === 0) return;
    sending = true;
    try {
      if (!producer) {
        const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await p.connect();
        producer = p;
      }
      const batch = outbox.peek(500);
      await producer.send({ topic: s.topic, acks: -1, messages: batch.map(encodeRecord) });
      outbox.ack(batch.length);
      sent += batch.length;
    } catch (err) {
      failures++;
      console.error(`health-agent ${s.board}: kafka unavailable (${(err as Error).message}); ${outbox.size} records wait`);
      // A fresh producer next time: after a broker loss the old one may hold a stale session.
      await producer?.disconnect().catch(() => undefined);
      producer = undefined;
    } finally {
      sending = false;
    }
  };

  const tick = (): void => {
    try {
      outbox.push(sampler.sample());
    } catch (err) {
      // An unreadable /proc file means no record this second, never a made-up one.
      console.error(`health-agent ${s.board}: sample failed: ${(err as Error).message}`);
    }
    void flush();
  };
  const timer = setInterval(tick, s.intervalMs);
  const report = setInterval(() => console.log(
    `health-agent ${s.board}: sent ${sent}, waiting ${outbox.size}, dropped ${outbox.dropped}, send failures ${failures}`,
  ), 60_000);
  tick();

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer); clearInterval(report);
    await flush();
    await producer?.disconnect().catch(() => undefined);
    console.log(`health-agent ${s.board}: stopped; sent ${sent}, unsent ${outbox.size}, dropped ${outbox.dropped}`);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => { console.error(`health-agent: ${(err as Error).message}`); process.exit(1); });

// A steady, counted load on the lab while a change rolls: a kafkajs producer (acks=all,
// idempotent) and cassandra-driver writes at LOCAL_QUORUM, each recording every write that
// was acknowledged; stopping reads everything back and counts what is missing. Only the lab's
// own boards are reached; the loops are bounded by stop() and by a hard deadline.
import { types } from "cassandra-driver";
import { Kafka, logLevel } from "kafkajs";
import { hostAddress } from "../../model/network";
import { cassandraClient, checkKeyspace } from "../checks/cassandra";
import { LabContext } from "../checks/labContext";

export interface LoadCounts {
  attempted: number;
  acknowledged: number;
  /** Writes that failed for good (after the client's own retries). */
  failed: number;
  /** Acknowledged, then not found when read back. */
  missing: number;
  /** Error messages by kind, e.g. {"retriable: ...": 3}; Cassandra's refusals are "unavailable". */
  errors: Record<string, number>;
}

const loadTopic = "deskcluster.load";
const pauseMs = 50;
const deadlineMs = 30 * 60_000;

const counts = (): LoadCounts => ({ attempted: 0, acknowledged: 0, failed: 0, missing: 0, errors: {} });
const note = (c: LoadCounts, kind: string) => { c.errors[kind] = (c.errors[kind] ?? 0) + 1; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AckedLoad {
  private running = true;
  private readonly started = Date.now();
  private readonly kafkaAcked: string[] = [];
  private readonly rowsAcked: string[] = [];
  readonly kafka = counts();
  readonly cassandra = counts();
  private loops: Promise<void>[] = [];

  private constructor(private readonly ctx: LabContext, private readonly label: string) {}

  static async start(ctx: LabContext, label: string): Promise<AckedLoad> {
    const load = new AckedLoad(ctx, label);
    await load.prepare();
    load.loops = [load.produce(), load.write()];
    await sleep(3000); // some acknowledged load before the change starts
    return load;
  }

  private brokers(): string[] {
    return this.ctx.inventory.boards.filter((b) => b.roles.includes("kafka-broker")).map((b) => `${hostAddress(b)}:9092`);
  }

  private kafkaClient(id: string): Kafka {
    return new Kafka({ clientId: id, brokers: this.brokers(), logLevel: logLevel.NOTHING, retry: { retries: 12, initialRetryTime: 300, maxRetryTime: 5000 } });
  }

  private async prepare(): Promise<void> {
    const admin = this.kafkaClient("deskcluster-load-admin").admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(loadTopic)) {
        await admin.createTopics({
          topics: [{ topic: loadTopic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: "min.insync.replicas", value: "2" }] }],
          waitForLeaders: false,
        });
      }
      // kafkajs's own wait retries only LEADER_NOT_AVAILABLE; a broker whose metadata lags answers
      // UNKNOWN_TOPIC_OR_PARTITION for a moment (it failed a run): poll until every replica is in sync.
      const end = Date.now() + 90_000;
      for (;;) {
        const ok = await admin.fetchTopicMetadata({ topics: [loadTopic] }).then(
          (m) => m.topics[0].partitions.length === 3 && m.topics[0].partitions.every((p) => p.leader >= 0 && p.isr.length === 3),
          () => false,
        );
        if (ok) break;
        if (Date.now() > end) throw new Error(`load topic ${loadTopic}: partitions without a leader or full ISR after 90 s`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      await admin.disconnect();
    }
    const client = await cassandraClient(this.ctx);
    try {
      await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${checkKeyspace} WITH replication = `
        + `{'class': 'NetworkTopologyStrategy', '${this.ctx.inventory.cluster.datacenter}': 3}`);
      await client.execute(`CREATE TABLE IF NOT EXISTS ${checkKeyspace}.load (k text PRIMARY KEY, v text)`);
    } finally {
      await client.shutdown();
    }
  }

  private live(): boolean {
    return this.running && Date.now() - this.started < deadlineMs;
  }

  private async produce(): Promise<void> {
    const producer = this.kafkaClient(`deskcluster-load-${this.label}`).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; this.live(); i++) {
      const key = `${this.label}-${i}`;
      this.kafka.attempted++;
      try {
        await producer.send({ topic: loadTopic, acks: -1, messages: [{ key, value: key }] });
        this.kafka.acknowledged++;
        this.kafkaAcked.push(key);
      } catch (err) {
        this.kafka.failed++;
        const e = err as { retriable?: boolean; name?: string; message: string };
        note(this.kafka, `${e.retriable ? "retriable" : "not retriable"}: ${e.name ?? "Error"}: ${e.message.slice(0, 80)}`);
      }
      await sleep(pauseMs);
    }
    await producer.disconnect();
  }

  private async write(): Promise<void> {
    const client = await cassandraClient(this.ctx);
    const insert = `INSERT INTO ${checkKeyspace}.load (k, v) VALUES (?, ?)`;
    for (let i = 0; this.live(); i++) {
      const key = `${this.label}-${i}`;
      this.cassandra.attempted++;
      try {
        await client.execute(insert, [key, key], { prepare: true, isIdempotent: true, consistency: types.consistencies.localQuorum });
        this.cassandra.acknowledged++;
        this.rowsAcked.push(key);
      } catch (err) {
        this.cassandra.failed++;
        const e = err as { code?: number; message: string; innerErrors?: Record<string, { code?: number }> };
        const inner = Object.values(e.innerErrors ?? {});
        const unavailable = e.code === types.responseErrorCodes.unavailableException
          || inner.some((x) => x.code === types.responseErrorCodes.unavailableException);
        note(this.cassandra, unavailable ? "unavailable (LOCAL_QUORUM refused)" : `${e.message.slice(0, 80)}`);
      }
      await sleep(pauseMs);
    }
    await client.shutdown();
  }

  /** Stops the load and reads every acknowledged record and row back. */
  async stop(): Promise<{ kafka: LoadCounts; cassandra: LoadCounts }> {
    this.running = false;
    await Promise.all(this.loops);
    this.kafka.missing = await this.missingRecords();
    this.cassandra.missing = await this.missingRows();
    return { kafka: this.kafka, cassandra: this.cassandra };
  }

  private async missingRecords(): Promise<number> {
    const want = new Set(this.kafkaAcked);
    if (want.size === 0) return 0;
    const consumer = this.kafkaClient("deskcluster-load-reader").consumer({ groupId: `deskcluster-load-${this.label}-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: loadTopic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 90_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          want.delete(String(message.key));
          if (want.size === 0) { clearTimeout(timer); resolve(); }
        },
      });
    });
    await consumer.disconnect();
    return want.size;
  }

  private async missingRows(): Promise<number> {
    const client = await cassandraClient(this.ctx);
    let missing = 0;
    try {
      for (const key of this.rowsAcked) {
        const rs = await client.execute(
          `SELECT v FROM ${checkKeyspace}.load WHERE k = ?`, [key], { prepare: true, consistency: types.consistencies.localQuorum },
        );
        if (rs.rowLength === 0) missing++;
      }
    } finally {
      await client.shutdown();
    }
    return missing;
  }
}

export function formatCounts(change: string, r: { kafka: LoadCounts; cassandra: LoadCounts }): string {
  const line = (what: string, c: LoadCounts) => `${what}: attempted ${c.attempted}, acknowledged ${c.acknowledged}, failed ${c.failed}, `
    + `acknowledged but missing ${c.missing}${Object.keys(c.errors).length ? `; errors ${JSON.stringify(c.errors)}` : ""}`;
  return [`load during ${change}:`, `  ${line("kafka (acks=all, idempotent)", r.kafka)}`, `  ${line("cassandra (LOCAL_QUORUM)", r.cassandra)}`].join("\n");
}

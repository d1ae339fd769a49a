// The agent's and the sink's settings from their environment (rendered by model/healthConfig),
// each problem named by its variable, so a misconfigured service says why it will not start.
import { z } from "zod";

const list = z.string().min(1).transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));
const positiveInt = (d: number) => z.coerce.number().int().positive().default(d);

const agentEnv = z.object({
  HEALTH_BOARD: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "a board name"),
  HEALTH_TOPIC: z.string().min(1),
  KAFKA_BOOTSTRAP: list,
  HOST_ROOT: z.string().default("/host"),
  HEALTH_DATA_DIRS: z.string().default("{}"),
  HEALTH_INTERVAL_MS: positiveInt(1000),
  HEALTH_OUTBOX: positiveInt(3600),
});

const sinkEnv = z.object({
  HEALTH_TOPIC: z.string().min(1),
  HEALTH_GROUP: z.string().min(1),
  HEALTH_KEYSPACE: z.string().regex(/^[a-z][a-z0-9_]*$/),
  HEALTH_TABLE: z.string().regex(/^[a-z][a-z0-9_]*$/),
  KAFKA_BOOTSTRAP: list,
  KAFKA_CLIENT_RACK: z.string().optional(),
  CASSANDRA_CONTACT_POINTS: list,
  CASSANDRA_DC: z.string().min(1),
  CASSANDRA_USER: z.string().min(1),
  CASSANDRA_PASSWORD_FILE: z.string().min(1),
});

function parse<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv, who: string): z.output<T> {
  const r = schema.safeParse(env);
  if (!r.success) throw new Error(`${who}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

export function agentSettings(env: NodeJS.ProcessEnv) {
  const e = parse(agentEnv, env, "health-agent");
  let dirs: Record<string, string>;
  try {
    dirs = JSON.parse(e.HEALTH_DATA_DIRS) as Record<string, string>;
  } catch {
    throw new Error("health-agent: HEALTH_DATA_DIRS: not a JSON map of board to folder");
  }
  return {
    board: e.HEALTH_BOARD, topic: e.HEALTH_TOPIC, brokers: e.KAFKA_BOOTSTRAP, hostRoot: e.HOST_ROOT,
    dataDir: dirs[e.HEALTH_BOARD] ?? "/", intervalMs: e.HEALTH_INTERVAL_MS, outboxLimit: e.HEALTH_OUTBOX,
  };
}

export function sinkSettings(env: NodeJS.ProcessEnv) {
  const e = parse(sinkEnv, env, "health-sink");
  return {
    topic: e.HEALTH_TOPIC, group: e.HEALTH_GROUP, keyspace: e.HEALTH_KEYSPACE, table: e.HEALTH_TABLE,
    brokers: e.KAFKA_BOOTSTRAP, rack: e.KAFKA_CLIENT_RACK, contactPoints: e.CASSANDRA_CONTACT_POINTS,
    datacenter: e.CASSANDRA_DC, user: e.CASSANDRA_USER, passwordFile: e.CASSANDRA_PASSWORD_FILE,
  };
}

// configgen for the health pipeline: the topic, the Cassandra table, and the environment of
// the agent (one per health-agent board) and the sink. Pure; the component wires it.
import { Inventory } from "./inventory";
import { bootstrapServers, kafkaNodes } from "./kraftQuorum";
import { serviceSizing } from "./memoryBudget";
import { hostAddress } from "./network";
import { boardsWithRole, byName } from "./placement";
import { containerOf } from "./serviceScripts";

export const healthTable = "vitals";
export const healthSinkGroup = "deskcluster-health-sink";
/** Where the sink finds the Cassandra password: a swarm secret file, never an env var. */
export const cassandraPasswordFile = "/run/secrets/cassandra-password";
/** The agent sees the board's root (and so its /proc and /sys) read-only here. */
export const hostRoot = "/host";

type Health = NonNullable<Inventory["services"]["health"]>;

export function healthOf(inv: Inventory): Health {
  const h = inv.services.health;
  if (!h) throw new Error("services.health is not configured");
  return h;
}

/** One partition per broker at least, so several sinks share the work. */
export function healthTopicSpec(inv: Inventory): { name: string; partitions: number; replicationFactor: number; minInsyncReplicas: number } {
  const brokers = bootstrapServers(kafkaNodes(inv)).length;
  return {
    name: healthOf(inv).topic,
    partitions: Math.max(3, brokers),
    replicationFactor: Math.min(3, brokers),
    minInsyncReplicas: Math.min(inv.services.kafka.minInsyncReplicas, Math.max(1, brokers - 1)),
  };
}

/** Given once, at CREATE KEYSPACE IF NOT EXISTS: the keyspace keeps it when nodes come and go. */
export function healthKeyspaceReplication(inv: Inventory): number {
  return Math.min(3, boardsWithRole(inv, "cassandra").length);
}

/** The time series: a partition per board and day, newest first, retention as a table TTL. */
export function healthSchemaCql(inv: Inventory): string[] {
  const h = healthOf(inv);
  const rf = healthKeyspaceReplication(inv);
  const ttl = h.ttlDays * 86_400;
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${h.keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', '${inv.cluster.datacenter}': ${rf}};`,
    `CREATE TABLE IF NOT EXISTS ${h.keyspace}.${healthTable} (board text, day date, ts timestamp, cpu_percent float, cpu_temp_c float, temp_status text, ` +
      `mem_free_kb bigint, mem_available_kb bigint, mem_total_kb bigint, cpu_mhz int, load1 float, load5 float, load15 float, ` +
      `disk_used_bytes bigint, disk_total_bytes bigint, PRIMARY KEY ((board, day), ts)) WITH CLUSTERING ORDER BY (ts DESC) AND default_time_to_live = ${ttl};`,
    // Rerun on every change of ttlDays: a CREATE IF NOT EXISTS alone would keep the old TTL.
    `ALTER TABLE ${h.keyspace}.${healthTable} WITH default_time_to_live = ${ttl};`,
  ];
}

const nodeHeap = (memoryMb: number): string => `--max-old-space-size=${Math.max(16, Math.floor(memoryMb / 2))}`;

/** The agent's env; HEALTH_BOARD is filled per node by swarm's template. */
export function agentEnv(inv: Inventory): Record<string, string> {
  const agents = boardsWithRole(inv, "health-agent").sort(byName);
  const memoryMb = agents.length > 0 ? serviceSizing(inv, agents[0], "health-agent").memoryMb : 96;
  return {
    HEALTH_BOARD: "{{.Node.Hostname}}",
    HEALTH_TOPIC: healthOf(inv).topic,
    KAFKA_BOOTSTRAP: bootstrapServers(kafkaNodes(inv)).join(","),
    HOST_ROOT: hostRoot,
    // A board's data folder, for disk use: per board, since dataDir may differ.
    HEALTH_DATA_DIRS: JSON.stringify(Object.fromEntries(agents.map((b) => [b.name, b.storage.dataDir]))),
    NODE_OPTIONS: nodeHeap(memoryMb),
  };
}

export function sinkEnv(inv: Inventory, sinkBoard: string): Record<string, string> {
  const h = healthOf(inv);
  const board = inv.boards.find((b) => b.name === sinkBoard)!;
  return {
    HEALTH_TOPIC: h.topic,
    HEALTH_GROUP: healthSinkGroup,
    HEALTH_KEYSPACE: h.keyspace,
    HEALTH_TABLE: healthTable,
    KAFKA_BOOTSTRAP: bootstrapServers(kafkaNodes(inv)).join(","),
    KAFKA_CLIENT_RACK: board.rack,
    CASSANDRA_CONTACT_POINTS: boardsWithRole(inv, "cassandra").sort(byName).map(hostAddress).join(","),
    CASSANDRA_DC: inv.cluster.datacenter,
    CASSANDRA_USER: "cassandra",
    CASSANDRA_PASSWORD_FILE: cassandraPasswordFile,
    NODE_OPTIONS: nodeHeap(serviceSizing(inv, board, "health-sink").memoryMb),
  };
}

/** Creates the topic once, then keeps its min ISR as the inventory says (idempotent). */
export function healthTopicScript(inv: Inventory, brokerService: string): string {
  const t = healthTopicSpec(inv);
  const bootstrap = `${bootstrapServers(kafkaNodes(inv))[0]}`;
  const kt = `sudo docker exec "$ctr" kafka-topics --bootstrap-server ${bootstrap}`;
  return [
    "set -eu",
    `ctr=${containerOf(brokerService)}`,
    `${kt} --create --if-not-exists --topic ${t.name} --partitions ${t.partitions} --replication-factor ${t.replicationFactor}`
      + ` --config min.insync.replicas=${t.minInsyncReplicas} >/dev/null`,
    `sudo docker exec "$ctr" kafka-configs --bootstrap-server ${bootstrap} --alter --entity-type topics --entity-name ${t.name}`
      + ` --add-config min.insync.replicas=${t.minInsyncReplicas} >/dev/null`,
    `${kt} --describe --topic ${t.name} | head -n 1`,
  ].join("\n");
}

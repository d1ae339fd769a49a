// configgen for Cassandra: the official image's environment plus a rendered cassandra.yaml
// (auth has no environment variable, so the whole file is rendered and mounted).
import { stringify } from "yaml";
import { Board, cassandraStartupDefaults, Inventory } from "./inventory";
import { cassandraNewSizeMb, serviceSizing } from "./memoryBudget";
import { hostAddress } from "./network";
import type { ServiceSpec } from "./swarmServiceSpec";

export const cassandraConfigPath = "/etc/deskcluster/cassandra.yaml";
export const cassandraDataPath = "/var/lib/cassandra";
/** On the board's data folder, beside the node's data: gone with it when the board comes back freshly flashed. */
export const cassandraMemberMarker = (dataDir: string): string => `${dataDir}/cassandra/.deskcluster-member`;
export const cassandraPorts = { cql: 9042, storage: 7000, jmx: 7199 } as const;

export interface CassandraNodeConfig {
  readonly env: Record<string, string>;
  readonly cassandraYaml: string;
}

export function cassandraYaml(inv: Inventory, board: Board, seeds: readonly string[]): string {
  const address = hostAddress(board);
  return stringify({
    cluster_name: inv.cluster.name,
    num_tokens: inv.services.cassandra.numTokens,
    allocate_tokens_for_local_replication_factor: Math.min(3, inv.services.cassandra.replicationFactor),
    partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
    authenticator: "PasswordAuthenticator",
    authorizer: "CassandraAuthorizer",
    role_manager: "CassandraRoleManager",
    data_file_directories: [`${cassandraDataPath}/data`],
    commitlog_directory: `${cassandraDataPath}/commitlog`,
    saved_caches_directory: `${cassandraDataPath}/saved_caches`,
    hints_directory: `${cassandraDataPath}/hints`,
    commitlog_sync: "periodic",
    commitlog_sync_period_in_ms: 10000,
    seed_provider: [{
      class_name: "org.apache.cassandra.locator.SimpleSeedProvider",
      parameters: [{ seeds: seeds.join(",") }],
    }],
    listen_address: address,
    broadcast_address: address,
    rpc_address: address,
    broadcast_rpc_address: address,
    storage_port: cassandraPorts.storage,
    native_transport_port: cassandraPorts.cql,
    start_native_transport: true,
    endpoint_snitch: "GossipingPropertyFileSnitch",
    // Small boards: fewer concurrent operations than the server defaults of 32.
    concurrent_reads: 8,
    concurrent_writes: 16,
    concurrent_counter_writes: 8,
  });
}

/** Only what differs from Cassandra's own defaults, so a desk that keeps them keeps the very same spec (and restarts nothing). */
export function startupFlags(startup: Inventory["services"]["cassandra"]["startup"]): string[] {
  const flags: string[] = [];
  if (startup.ringDelayMs !== cassandraStartupDefaults.ringDelayMs) flags.push(`-Dcassandra.ring_delay_ms=${startup.ringDelayMs}`);
  if (startup.gossipSettle !== cassandraStartupDefaults.gossipSettle) flags.push("-Dcassandra.skip_wait_for_gossip_to_settle=0");
  return flags;
}

export function cassandraNodeConfig(inv: Inventory, board: Board, seeds: readonly string[]): CassandraNodeConfig {
  const address = hostAddress(board);
  const heapMb = serviceSizing(inv, board, "cassandra").heapMb!;
  return {
    cassandraYaml: cassandraYaml(inv, board, seeds),
    env: {
      CASSANDRA_CLUSTER_NAME: inv.cluster.name,
      CASSANDRA_SEEDS: seeds.join(","),
      CASSANDRA_LISTEN_ADDRESS: address,
      CASSANDRA_BROADCAST_ADDRESS: address,
      CASSANDRA_RPC_ADDRESS: address,
      CASSANDRA_BROADCAST_RPC_ADDRESS: address,
      CASSANDRA_NUM_TOKENS: String(inv.services.cassandra.numTokens),
      CASSANDRA_ENDPOINT_SNITCH: "GossipingPropertyFileSnitch",
      CASSANDRA_DC: inv.cluster.datacenter,
      CASSANDRA_RACK: board.rack,
      MAX_HEAP_SIZE: `${heapMb}M`,
      HEAP_NEWSIZE: `${cassandraNewSizeMb(inv, board, heapMb)}M`,
      JVM_EXTRA_OPTS: [`-Dcassandra.config=file://${cassandraConfigPath}`, ...startupFlags(inv.services.cassandra.startup)].join(" "),
    },
  };
}

/**
 * The spec of a node replacing its old self at the same address: it takes the old node's tokens and streams their
 * data instead of bootstrapping new ones. `_first_boot`: ignored once the node has bootstrapped, so a restart with
 * the flag still set cannot replace anything again.
 */
/**
 * A node's spec with another cassandra.yaml (the swarm config mounted at cassandraConfigPath): how a node that is its
 * own seed starts when it joins a ring that already exists (its join config leaves it out of its seeds).
 */
export function withCassandraConfig<S extends ServiceSpec>(spec: S, configName: string): S {
  const task = spec.TaskTemplate as { ContainerSpec: { Configs?: { ConfigName: string; File?: { Name?: string } }[] } };
  const configs = (task.ContainerSpec.Configs ?? []).map((c) => (c.File?.Name === cassandraConfigPath ? { ...c, ConfigName: configName } : c));
  return { ...spec, TaskTemplate: { ...task, ContainerSpec: { ...task.ContainerSpec, Configs: configs } } };
}

export function replacingSpec<S extends ServiceSpec>(spec: S, address: string): S {
  const task = spec.TaskTemplate as { ContainerSpec: { Env?: string[] } };
  const flag = `-Dcassandra.replace_address_first_boot=${address}`;
  const env = task.ContainerSpec.Env ?? [];
  const withFlag = env.some((e) => e.startsWith("JVM_EXTRA_OPTS="))
    ? env.map((e) => (e.startsWith("JVM_EXTRA_OPTS=") ? `${e} ${flag}` : e)) : [...env, `JVM_EXTRA_OPTS=${flag}`];
  return { ...spec, TaskTemplate: { ...task, ContainerSpec: { ...task.ContainerSpec, Env: withFlag } } };
}

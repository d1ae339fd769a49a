// configgen for Stargate v2: a coordinator joining the ring as a non-token member, and the
// GraphQL API service that talks to it over gRPC.
import { Board, Inventory } from "./inventory";
import { serviceSizing } from "./memoryBudget";
import { hostAddress } from "./network";
import { stargateClusterVersion } from "./versions";

export const stargatePorts = { graphql: 8080, auth: 8081, bridge: 8091, health: 8084 } as const;

export function coordinatorEnv(inv: Inventory, board: Board, seeds: readonly string[]): Record<string, string> {
  const heapMb = serviceSizing(inv, board, "stargate-coordinator").heapMb!;
  return {
    CLUSTER_NAME: inv.cluster.name,
    CLUSTER_VERSION: stargateClusterVersion(inv.services.cassandra.version),
    SEED: seeds.join(","),
    DATACENTER_NAME: inv.cluster.datacenter,
    RACK_NAME: board.rack,
    LISTEN: hostAddress(board),
    ENABLE_AUTH: "true",
    JAVA_OPTS: `-Xms${heapMb}m -Xmx${heapMb}m`,
  };
}

export function graphqlEnv(inv: Inventory, board: Board): Record<string, string> {
  const heapMb = serviceSizing(inv, board, "stargate-graphql").heapMb!;
  return {
    QUARKUS_GRPC_CLIENTS_BRIDGE_HOST: hostAddress(board),
    QUARKUS_GRPC_CLIENTS_BRIDGE_PORT: String(stargatePorts.bridge),
    QUARKUS_HTTP_PORT: String(stargatePorts.graphql),
    JAVA_OPTS: `-Xms${heapMb}m -Xmx${heapMb}m`,
  };
}

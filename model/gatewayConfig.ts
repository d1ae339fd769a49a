// configgen for deskcluster's GraphQL gateway: where it runs (graphql-gateway boards), its ports,
// its environment and the token table it shares across replicas. Pure; the component wires it.
import { healthTable } from "./healthConfig";
import { Board, Inventory } from "./inventory";
import { serviceSizing } from "./memoryBudget";
import { hostAddress } from "./network";
import { boardsWithRole, byName } from "./placement";

type Gateway = NonNullable<Inventory["services"]["gateway"]>;

export const gatewayRole = "graphql-gateway";
/** The uid the gateway image runs as (health/image/build.sh), owner of its password file. */
export const gatewayUid = "10001";
export const gatewayPasswordFile = "/run/secrets/cassandra-password";
export const tokenTtlSeconds = 1800;

export function gatewayOf(inv: Inventory): Gateway {
  const g = inv.services.gateway;
  if (!g) throw new Error("services.gateway is not configured");
  return g;
}

export function gatewayBoards(inv: Inventory): Board[] {
  return inv.services.gateway ? boardsWithRole(inv, gatewayRole).sort(byName) : [];
}

export function gatewayPorts(inv: Inventory): { graphql: number; auth: number } {
  const g = gatewayOf(inv);
  return { graphql: g.port, auth: g.authPort };
}

/** Stargate's GraphQL base URL on each gateway board: /graphql/<keyspace> below it. */
export function gatewayUrls(inv: Inventory): string[] {
  return gatewayBoards(inv).map((b) => `http://${hostAddress(b)}:${gatewayPorts(inv).graphql}/graphql`);
}

/** Tokens are replicated like system_auth, so a login survives the loss of a node. */
export function tokenReplication(inv: Inventory): number {
  return Math.min(3, boardsWithRole(inv, "cassandra").length);
}

export function gatewaySchemaCql(inv: Inventory): string[] {
  return [
    "CREATE KEYSPACE IF NOT EXISTS data_endpoint_auth WITH replication = "
      + `{'class': 'NetworkTopologyStrategy', '${inv.cluster.datacenter}': ${tokenReplication(inv)}};`,
    `CREATE TABLE IF NOT EXISTS data_endpoint_auth."token" (auth_token uuid PRIMARY KEY, username text, created_timestamp int)`
      + ` WITH default_time_to_live = ${tokenTtlSeconds};`,
  ];
}

export interface DashboardSettings {
  readonly keyspace: string; readonly table: string; readonly boards: string[]; readonly tempAlertC: number;
  readonly silentSeconds: number; readonly memLowPercent: number; readonly windowMinutes: number; readonly refreshSeconds: number;
}

export function dashboardSettings(inv: Inventory): DashboardSettings {
  const h = inv.services.health;
  return {
    keyspace: h?.keyspace ?? "deskcluster", table: healthTable,
    boards: h ? boardsWithRole(inv, "health-agent").sort(byName).map((b) => b.name) : [],
    tempAlertC: h?.tempAlertC ?? 80, silentSeconds: 30, memLowPercent: 10, windowMinutes: 15, refreshSeconds: 3,
  };
}

/** One env for every replica: each finds its own listen address by GATEWAY_BOARD (swarm's template). */
export function gatewayEnv(inv: Inventory): Record<string, string> {
  const boards = gatewayBoards(inv);
  const memoryMb = boards.length > 0 ? serviceSizing(inv, boards[0], "graphql-gateway").memoryMb : 192;
  const p = gatewayPorts(inv);
  return {
    GATEWAY_BOARD: "{{.Node.Hostname}}",
    // Only the wired address: a board's Wi-Fi must not serve cluster traffic.
    GATEWAY_BIND_ADDRESSES: JSON.stringify(Object.fromEntries(boards.map((b) => [b.name, hostAddress(b)]))),
    GATEWAY_PORTS: [...new Set([p.graphql, p.auth])].join(","),
    GATEWAY_CASSANDRA_CONTACT_POINTS: boardsWithRole(inv, "cassandra").sort(byName).map(hostAddress).join(","),
    GATEWAY_CASSANDRA_DC: inv.cluster.datacenter,
    GATEWAY_CASSANDRA_USER: "cassandra",
    GATEWAY_CASSANDRA_PASSWORD_FILE: gatewayPasswordFile,
    GATEWAY_TOKEN_REPLICATION: String(tokenReplication(inv)),
    GATEWAY_DASHBOARD: JSON.stringify(dashboardSettings(inv)),
    NODE_OPTIONS: `--max-old-space-size=${Math.max(32, Math.floor(memoryMb / 2))}`,
  };
}

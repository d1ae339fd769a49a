// The gateway's settings from its environment (set by the GraphqlGateway component from the
// inventory); the Cassandra password comes from a file (a swarm secret), never from env.
import { readFileSync } from "node:fs";
import { DashboardConfig } from "./dashboardAssets";
import { defaultLimits, RequestLimits } from "./limits";

export interface GatewaySettings {
  readonly contactPoints: string[];
  readonly cqlPort: number;
  readonly datacenter: string;
  readonly user: string;
  readonly password: string;
  readonly bind: string;
  readonly ports: number[];
  readonly schemaRefreshMs: number;
  readonly tokenReplication: number;
  readonly limits: RequestLimits;
  readonly dashboard: DashboardConfig;
}

const required = (env: NodeJS.ProcessEnv, key: string): string => {
  const v = env[key];
  if (!v) throw new Error(`${key} is not set`);
  return v;
};
const int = (env: NodeJS.ProcessEnv, key: string, dflt: number): number => {
  const v = env[key] === undefined || env[key] === "" ? dflt : Number(env[key]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${key} must be a positive integer (got ${env[key]})`);
  return v;
};

export function gatewaySettings(env: NodeJS.ProcessEnv, readFile: (p: string) => string = (p) => readFileSync(p, "utf8")): GatewaySettings {
  const dash = JSON.parse(env.GATEWAY_DASHBOARD ?? "{}") as Partial<DashboardConfig>;
  return {
    contactPoints: required(env, "GATEWAY_CASSANDRA_CONTACT_POINTS").split(",").map((s) => s.trim()).filter(Boolean),
    cqlPort: int(env, "GATEWAY_CASSANDRA_PORT", 9042),
    datacenter: required(env, "GATEWAY_CASSANDRA_DC"),
    user: env.GATEWAY_CASSANDRA_USER || "cassandra",
    password: readFile(required(env, "GATEWAY_CASSANDRA_PASSWORD_FILE")).trim(),
    bind: env.GATEWAY_BIND || (JSON.parse(env.GATEWAY_BIND_ADDRESSES ?? "{}") as Record<string, string>)[env.GATEWAY_BOARD ?? ""] || "0.0.0.0",
    ports: (env.GATEWAY_PORTS || "8080,8081").split(",").map((p) => Number(p)),
    schemaRefreshMs: int(env, "GATEWAY_SCHEMA_REFRESH_MS", 5000),
    tokenReplication: int(env, "GATEWAY_TOKEN_REPLICATION", 3),
    limits: {
      maxQueryBytes: int(env, "GATEWAY_MAX_QUERY_BYTES", defaultLimits.maxQueryBytes),
      maxDepth: int(env, "GATEWAY_MAX_DEPTH", defaultLimits.maxDepth),
      maxFields: int(env, "GATEWAY_MAX_FIELDS", defaultLimits.maxFields),
      maxPageSize: int(env, "GATEWAY_MAX_PAGE_SIZE", defaultLimits.maxPageSize),
    },
    dashboard: {
      keyspace: dash.keyspace ?? "deskcluster", table: dash.table ?? "vitals", boards: dash.boards ?? [],
      tempAlertC: dash.tempAlertC ?? 80, silentSeconds: dash.silentSeconds ?? 30, memLowPercent: dash.memLowPercent ?? 10,
      windowMinutes: dash.windowMinutes ?? 15, refreshSeconds: dash.refreshSeconds ?? 3,
    },
  };
}

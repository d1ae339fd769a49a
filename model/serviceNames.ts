// Swarm service names: the program names each service, and its scripts, the lab checks and
// the CLI find the running containers by that name, so it is spelled in one place.
import { ServiceKind } from "./placement";

/** Services pinned to one board (node.hostname constraint): one swarm service per board. */
export type PinnedServiceKind = Exclude<ServiceKind, "health-agent" | "graphql-gateway">;

const prefix: Record<PinnedServiceKind, string> = {
  cassandra: "cassandra",
  kafka: "kafka",
  "stargate-coordinator": "stargate",
  "stargate-graphql": "stargate-graphql",
  "health-sink": "health-sink",
};

/** The swarm service that runs `service` on `board`, e.g. cassandra-pi-w1. */
export function serviceName(service: PinnedServiceKind, board: string): string {
  return `${prefix[service]}-${board}`;
}

/** The health agent is one global service that runs on every health-agent board. */
export const healthAgentServiceName = "health-agent";

/** The GraphQL gateway is one global service on the graphql-gateway boards (one published port, any replica answers). */
export const gatewayServiceName = "graphql-gateway";

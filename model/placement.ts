// Which service containers run on which board, derived from each board's roles.
import { Board, Inventory } from "./inventory";

export type ServiceKind =
  | "cassandra" | "kafka" | "stargate-coordinator" | "stargate-graphql" | "graphql-gateway" | "health-agent" | "health-sink";

export type KafkaProcessRole = "broker" | "controller";

export function kafkaProcessRoles(board: Board): KafkaProcessRole[] {
  const r: KafkaProcessRole[] = [];
  if (board.roles.includes("kafka-broker")) r.push("broker");
  if (board.roles.includes("kafka-controller")) r.push("controller");
  return r;
}

export function servicesOn(inv: Inventory, board: Board): ServiceKind[] {
  const s: ServiceKind[] = [];
  if (board.roles.includes("cassandra")) s.push("cassandra");
  if (kafkaProcessRoles(board).length > 0) s.push("kafka");
  if (board.roles.includes("stargate") && inv.services.stargate) s.push("stargate-coordinator", "stargate-graphql");
  if (board.roles.includes("graphql-gateway") && inv.services.gateway) s.push("graphql-gateway");
  if (board.roles.includes("health-agent") && inv.services.health) s.push("health-agent");
  if (board.roles.includes("health-sink") && inv.services.health) s.push("health-sink");
  return s;
}

export function boardsWithRole(inv: Inventory, role: Board["roles"][number]): Board[] {
  return inv.boards.filter((b) => b.roles.includes(role));
}

export const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);

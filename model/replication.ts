// The replication factor of every keyspace and topic deskcluster creates, by name, from the
// same functions that create them: a removal must never leave fewer nodes than one of them.
import { gatewayBoards, tokenReplication } from "./gatewayConfig";
import { healthKeyspaceReplication, healthOf, healthTopicSpec } from "./healthConfig";
import { Inventory } from "./inventory";
import { kafkaNodeEnv } from "./kafkaConfig";
import { isBroker, kafkaNodes } from "./kraftQuorum";
import { boardsWithRole } from "./placement";

/** system_auth follows the ring (the auth step ALTERs it to this on every run). */
export function authReplication(inv: Inventory): number {
  return Math.min(3, boardsWithRole(inv, "cassandra").length);
}

const healthDeployed = (inv: Inventory): boolean =>
  !!inv.services.health && inv.boards.some((b) => b.roles.includes("health-agent") || b.roles.includes("health-sink"));

export function keyspaceReplication(inv: Inventory): Record<string, number> {
  const out: Record<string, number> = { system_auth: authReplication(inv) };
  if (healthDeployed(inv)) out[healthOf(inv).keyspace] = healthKeyspaceReplication(inv);
  if (gatewayBoards(inv).length > 0) out.data_endpoint_auth = tokenReplication(inv);
  return out;
}

export function topicReplication(inv: Inventory): Record<string, number> {
  const broker = kafkaNodes(inv).find(isBroker);
  if (!broker) return {};
  // The consumer offsets topic is created by the brokers with what their env says.
  const out: Record<string, number> = { __consumer_offsets: Number(kafkaNodeEnv(inv, broker).KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR) };
  if (healthDeployed(inv)) { const t = healthTopicSpec(inv); out[t.name] = t.replicationFactor; }
  return out;
}

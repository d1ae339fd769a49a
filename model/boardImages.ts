// The images each board will run, from its roles: pulled right after Docker is ready, while the
// swarm forms and before any service starts, so no service start waits for a download.
import { Board, Inventory } from "./inventory";
import { servicesOn, ServiceKind } from "./placement";

export function serviceImage(inv: Inventory, kind: ServiceKind): string | undefined {
  const s = inv.services;
  switch (kind) {
    case "cassandra": return s.cassandra.image;
    case "kafka": return s.kafka.image;
    case "stargate-coordinator": return s.stargate?.coordinator.image;
    case "stargate-graphql": return s.stargate?.graphql.image;
    case "graphql-gateway": return s.gateway?.image;
    case "health-agent": return s.health?.agent.image;
    case "health-sink": return s.health?.sink.image;
  }
}

/** Every image the board's services use, once each, in a stable order. */
export function boardImages(inv: Inventory, board: Board): string[] {
  return [...new Set(servicesOn(inv, board).map((k) => serviceImage(inv, k)).filter((i): i is string => !!i))].sort();
}

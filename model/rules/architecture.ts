// An image runs only on boards whose architecture it is published for.
import { Arch } from "../catalog";
import { boardArch } from "../clusterPlan";
import { Inventory } from "../inventory";
import { ServiceKind, servicesOn } from "../placement";
import { Violation } from "../violation";

export const architectureRule = "architecture";

export function imageOf(inv: Inventory, service: ServiceKind): { field: string; image: string; platforms: readonly Arch[] } | undefined {
  const s = inv.services;
  const pick = (field: string, i?: { image: string; platforms: Arch[] }) => (i ? { field, image: i.image, platforms: i.platforms } : undefined);
  switch (service) {
    case "cassandra": return pick("services.cassandra.platforms", s.cassandra);
    case "kafka": return pick("services.kafka.platforms", s.kafka);
    case "stargate-coordinator": return pick("services.stargate.coordinator.platforms", s.stargate?.coordinator);
    case "stargate-graphql": return pick("services.stargate.graphql.platforms", s.stargate?.graphql);
    case "graphql-gateway": return pick("services.gateway.platforms", s.gateway);
    case "health-agent": return pick("services.health.agent.platforms", s.health?.agent);
    case "health-sink": return pick("services.health.sink.platforms", s.health?.sink);
  }
}

export function checkArchitecture(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const board of inv.boards) {
    const arch = boardArch(board);
    if (!arch) {
      out.push({ rule: architectureRule, board: board.name, field: "arch", message: "a simulated board must state its architecture (the host's)" });
      continue;
    }
    for (const service of servicesOn(inv, board)) {
      const img = imageOf(inv, service);
      if (img && !img.platforms.includes(arch)) {
        out.push({
          rule: architectureRule, board: board.name, field: img.field,
          message: `${service} image ${img.image} is published for ${img.platforms.join(", ")} only; this ${board.model} board is ${arch}`,
        });
      }
    }
  }
  return out;
}

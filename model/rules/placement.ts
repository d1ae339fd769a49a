// Services need what they stand on: swarm membership, their dependencies, balanced racks.
import { Inventory } from "../inventory";
import { isBroker, kafkaNodes } from "../kraftQuorum";
import { boardsWithRole } from "../placement";
import { groupByRack, rackImbalance } from "../racks";
import { stargatePorts } from "../stargateConfig";
import { swarmRole } from "../swarmPlan";
import { Violation } from "../violation";

const rule = "placement";

function rackBalance(what: string, boards: ReturnType<typeof boardsWithRole>): Violation[] {
  if (rackImbalance(boards) <= 1) return [];
  const sizes = [...groupByRack(boards)].map(([rack, bs]) => `${rack}: ${bs.length}`).join(", ");
  const [, biggest] = [...groupByRack(boards)].sort(([, a], [, b]) => b.length - a.length)[0];
  return [{
    rule, board: biggest[biggest.length - 1].name, field: "rack",
    message: `${what} per rack differ by more than one (${sizes}); racks must be of comparable size`,
  }];
}

export function checkPlacement(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const b of inv.boards) {
    const needsSwarm = b.roles.some((r) => !r.startsWith("swarm-"));
    if (needsSwarm && !swarmRole(b)) out.push({ rule, board: b.name, field: "roles", message: "runs services but is neither swarm-manager nor swarm-worker" });
    if (b.roles.includes("swarm-manager") && b.roles.includes("swarm-worker")) {
      out.push({
        rule, board: b.name, field: "roles",
        message: "is both swarm-manager and swarm-worker; pick one (managers also run tasks)",
      });
    }
    if (b.roles.includes("stargate") && b.roles.includes("cassandra")) {
      out.push({
        rule, board: b.name, field: "roles",
        message: "stargate and cassandra on one board both bind the gossip and CQL ports on its address",
      });
    }
  }
  const s = inv.services;
  if (boardsWithRole(inv, "stargate").length > 0 && !s.stargate) {
    out.push({
      rule, board: boardsWithRole(inv, "stargate")[0].name, field: "services.stargate",
      message: "boards have the stargate role but services.stargate is not configured",
    });
  }
  if (s.stargate && boardsWithRole(inv, "cassandra").length === 0) {
    out.push({
      rule, board: boardsWithRole(inv, "stargate")[0]?.name, field: "services.stargate",
      message: "Stargate needs a Cassandra ring",
    });
  }
  const gateways = boardsWithRole(inv, "graphql-gateway");
  if (gateways.length > 0 && !s.gateway) {
    out.push({
      rule, board: gateways[0].name, field: "services.gateway",
      message: "boards have the graphql-gateway role but services.gateway is not configured",
    });
  }
  if (s.gateway && gateways.length > 0 && boardsWithRole(inv, "cassandra").length === 0) {
    out.push({
      rule, board: gateways[0].name, field: "services.gateway",
      message: "the GraphQL gateway needs a Cassandra ring",
    });
  }
  if (s.gateway && gateways.length > 0 && s.stargate && boardsWithRole(inv, "stargate").length > 0) {
    // A published port belongs to one swarm service on every node (ingress), so the two cannot share one.
    const taken = [stargatePorts.graphql, stargatePorts.auth].filter((p) => p === s.gateway!.port || p === s.gateway!.authPort);
    if (taken.length > 0) {
      out.push({
        rule, board: gateways[0].name, field: "services.gateway.port",
        message: `the gateway and Stargate both publish port ${taken.join(" and ")}; give services.gateway other ports`,
      });
    }
  }
  if (s.health) {
    const sink = boardsWithRole(inv, "health-sink")[0]?.name;
    if (!kafkaNodes(inv).some(isBroker)) out.push({ rule, board: sink, field: "services.health", message: "the health pipeline needs Kafka brokers" });
    if (boardsWithRole(inv, "cassandra").length === 0) {
      out.push({
        rule, board: sink, field: "services.health",
        message: "the health pipeline needs a Cassandra ring",
      });
    }
    if (boardsWithRole(inv, "health-sink").length === 0) out.push({ rule, field: "services.health", message: "no board has the health-sink role" });
  }
  out.push(...rackBalance("Cassandra nodes", boardsWithRole(inv, "cassandra")));
  out.push(...rackBalance("Kafka brokers", boardsWithRole(inv, "kafka-broker")));
  return out;
}

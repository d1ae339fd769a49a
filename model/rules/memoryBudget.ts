// Every board's services must fit its RAM, and every JVM heap must fit its container.
import { boardModel } from "../catalog";
import { Board, Inventory } from "../inventory";
import { boardBudget, jvmHeadroomMb } from "../memoryBudget";
import { kafkaProcessRoles, ServiceKind } from "../placement";
import { Violation } from "../violation";

export const memoryBudgetRule = "memory-budget";

const serviceField: Record<string, string> = {
  cassandra: "services.cassandra", kafka: "services.kafka", "stargate-coordinator": "services.stargate.coordinator",
  "stargate-graphql": "services.stargate.graphql", "graphql-gateway": "services.gateway",
  "health-agent": "services.health.agent", "health-sink": "services.health.sink",
};

/** The inventory fields a service's limit and heap come from on this board (controller-only Kafka has its own). */
function sizingFields(board: Board, service: ServiceKind): { memoryMb: string; heapMb: string } {
  if (service === "kafka" && !kafkaProcessRoles(board).includes("broker")) {
    return { memoryMb: "services.kafka.controllerMemoryMb", heapMb: "services.kafka.controllerHeapMb" };
  }
  return { memoryMb: `${serviceField[service]}.memoryMb`, heapMb: `${serviceField[service]}.heapMb` };
}

/** The value the inventory sets at a dotted field, or undefined when it is left to the default. */
function setAt(inv: Inventory, field: string): unknown {
  return field.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], inv);
}

export function checkMemoryBudget(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const board of inv.boards) {
    const model = boardModel(board.model);
    if (model.simulated && board.ramMb === undefined) {
      out.push({ rule: memoryBudgetRule, board: board.name, field: "ramMb", message: "a simulated board must state its RAM" });
      continue;
    }
    if (!model.simulated && board.ramMb !== undefined && board.ramMb !== model.ramMb) {
      out.push({
        rule: memoryBudgetRule, board: board.name, field: "ramMb",
        message: `${model.label} has ${model.ramMb} MB; ramMb ${board.ramMb} contradicts the model`,
      });
    }
    const budget = boardBudget(inv, board);
    // An override no board of this model can hold is reported at the override: that is what to change.
    const oversized = budget.availableMb === undefined ? [] : budget.services.filter((s) =>
      setAt(inv, sizingFields(board, s.service).memoryMb) !== undefined && s.memoryMb > budget.availableMb!);
    for (const s of oversized) {
      out.push({
        rule: memoryBudgetRule, board: board.name, field: sizingFields(board, s.service).memoryMb,
        message: `${s.service} limit ${s.memoryMb} MB is more than this board can give: `
          + `${budget.availableMb} MB (${budget.ramMb} MB RAM - ${budget.osReserveMb} MB OS reserve)`,
      });
    }
    if (oversized.length === 0 && budget.availableMb !== undefined && budget.usedMb > budget.availableMb) {
      const items = budget.services.map((s) => `${s.service} ${s.memoryMb}`).join(" + ");
      out.push({
        rule: memoryBudgetRule, board: board.name, field: "roles",
        message: `services need ${budget.usedMb} MB (${items}) but only ${budget.availableMb} MB is available `
          + `(${budget.ramMb} MB RAM - ${budget.osReserveMb} MB OS reserve)`,
      });
    }
    for (const s of budget.services) {
      if (s.heapMb !== undefined && s.heapMb + jvmHeadroomMb(s.memoryMb) > s.memoryMb) {
        out.push({
          rule: memoryBudgetRule, board: board.name, field: sizingFields(board, s.service).heapMb,
          message: `${s.service} heap ${s.heapMb} MB leaves less than ${jvmHeadroomMb(s.memoryMb)} MB of off-heap headroom in its ${s.memoryMb} MB limit`,
        });
      }
    }
  }
  return out;
}

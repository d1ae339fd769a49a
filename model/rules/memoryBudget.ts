// Every board's services must fit its RAM, and every JVM heap must fit its container.
import { boardModel } from "../catalog";
import { Inventory } from "../inventory";
import { boardBudget, jvmHeadroomMb } from "../memoryBudget";
import { Violation } from "../violation";

export const memoryBudgetRule = "memory-budget";

const serviceField: Record<string, string> = {
  cassandra: "services.cassandra", kafka: "services.kafka", "stargate-coordinator": "services.stargate.coordinator",
  "stargate-graphql": "services.stargate.graphql", "health-agent": "services.health.agent", "health-sink": "services.health.sink",
};

export function checkMemoryBudget(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const board of inv.boards) {
    const model = boardModel(board.model);
    if (model.simulated && board.ramMb === undefined) {
      out.push({ rule: memoryBudgetRule, board: board.name, field: "ramMb", message: "a simulated board must state its RAM" });
      continue;
    }
    if (!model.simulated && board.ramMb !== undefined && board.ramMb !== model.ramMb) {
      out.push({ rule: memoryBudgetRule, board: board.name, field: "ramMb", message: `${model.label} has ${model.ramMb} MB; ramMb ${board.ramMb} contradicts the model` });
    }
    const budget = boardBudget(inv, board);
    if (budget.availableMb !== undefined && budget.usedMb > budget.availableMb) {
      const items = budget.services.map((s) => `${s.service} ${s.memoryMb}`).join(" + ");
      out.push({
        rule: memoryBudgetRule, board: board.name, field: "roles",
        message: `services need ${budget.usedMb} MB (${items}) but only ${budget.availableMb} MB is available (${budget.ramMb} MB RAM - ${budget.osReserveMb} MB OS reserve)`,
      });
    }
    for (const s of budget.services) {
      if (s.heapMb !== undefined && s.heapMb + jvmHeadroomMb(s.memoryMb) > s.memoryMb) {
        out.push({
          rule: memoryBudgetRule, board: board.name, field: `${serviceField[s.service]}.heapMb`,
          message: `${s.service} heap ${s.heapMb} MB leaves less than ${jvmHeadroomMb(s.memoryMb)} MB of off-heap headroom in its ${s.memoryMb} MB limit`,
        });
      }
    }
  }
  return out;
}

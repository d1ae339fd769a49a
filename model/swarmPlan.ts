// Swarm membership and node labels; labels carry racks and roles so services can be constrained.
import { Board, Inventory } from "./inventory";
import { byName } from "./placement";

export interface SwarmPlan {
  readonly leader: string | undefined;
  readonly managers: string[];
  readonly workers: string[];
  readonly labels: Record<string, Record<string, string>>;
}

export function swarmRole(board: Board): "manager" | "worker" | undefined {
  if (board.roles.includes("swarm-manager")) return "manager";
  if (board.roles.includes("swarm-worker")) return "worker";
  return undefined;
}

export function nodeLabels(board: Board): Record<string, string> {
  const labels: Record<string, string> = { "deskcluster.rack": board.rack };
  for (const role of [...board.roles].sort()) labels[`deskcluster.role.${role}`] = "true";
  return labels;
}

export function swarmPlan(inv: Inventory): SwarmPlan {
  const boards = [...inv.boards].sort(byName);
  const managers = boards.filter((b) => swarmRole(b) === "manager").map((b) => b.name);
  return {
    leader: managers[0],
    managers,
    workers: boards.filter((b) => swarmRole(b) === "worker").map((b) => b.name),
    labels: Object.fromEntries(boards.filter((b) => swarmRole(b)).map((b) => [b.name, nodeLabels(b)])),
  };
}

// Checks of the resources a plan really contains (not the inventory): the policy pack feeds
// these with docker services and SSH commands from `pulumi preview`.
import { boardModel } from "./catalog";
import { Inventory } from "./inventory";
import { boardRamMb, jvmHeadroomMb } from "./memoryBudget";
import { addressWiredCheck, wiredEthernetRule } from "./rules/wiredEthernet";
import { memoryBudgetRule } from "./rules/memoryBudget";
import { Violation } from "./violation";

export interface PlannedService {
  readonly name: string;
  readonly board?: string; // from a node.hostname== constraint
  readonly env: Record<string, string>;
  readonly memoryMb?: number;
}

const ipv4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/g;

export function checkPlannedAddresses(
  inv: Inventory, services: readonly PlannedService[], sshHosts: readonly { resource: string; host: string }[],
): Violation[] {
  const check = addressWiredCheck(inv);
  const found: Violation[] = [];
  for (const s of services) {
    for (const [key, value] of Object.entries(s.env)) {
      for (const [, address] of value.matchAll(ipv4)) found.push(...check(address, `service ${s.name} env ${key}`));
    }
  }
  for (const h of sshHosts) found.push(...check(h.host, `SSH connection of ${h.resource}`));
  const seen = new Set<string>();
  return found.filter((v) => !seen.has(v.message) && seen.add(v.message) && v.rule === wiredEthernetRule);
}

/** -Xmx768m, -Xmx1g, MAX_HEAP_SIZE=512M: the heap a container's env asks for, in MB. */
export function heapMbFromEnv(env: Record<string, string>): number | undefined {
  const toMb = (n: string, unit: string) => Number(n) * ({ k: 1 / 1024, m: 1, g: 1024 }[unit.toLowerCase()] ?? 1 / (1024 * 1024));
  const max = env.MAX_HEAP_SIZE?.match(/^(\d+)([kKmMgG]?)$/);
  if (max) return toMb(max[1], max[2] || "b");
  for (const key of ["KAFKA_HEAP_OPTS", "JAVA_OPTS"]) {
    const xmx = env[key]?.match(/-Xmx(\d+)([kKmMgG]?)/);
    if (xmx) return toMb(xmx[1], xmx[2] || "b");
  }
  return undefined;
}

export function checkPlannedMemory(inv: Inventory, services: readonly PlannedService[]): Violation[] {
  const out: Violation[] = [];
  const perBoard = new Map<string, PlannedService[]>();
  for (const s of services) {
    if (s.memoryMb === undefined) {
      out.push({
        rule: memoryBudgetRule, board: s.board, field: `service ${s.name} limits.memoryBytes`,
        message: "a service without a memory limit can take the whole board",
      });
      continue;
    }
    const heap = heapMbFromEnv(s.env);
    if (heap !== undefined && heap + jvmHeadroomMb(s.memoryMb) > s.memoryMb) {
      out.push({
        rule: memoryBudgetRule, board: s.board, field: `service ${s.name} heap`,
        message: `heap ${heap} MB leaves less than ${jvmHeadroomMb(s.memoryMb)} MB headroom in the ${s.memoryMb} MB limit`,
      });
    }
    if (s.board) perBoard.set(s.board, [...(perBoard.get(s.board) ?? []), s]);
  }
  for (const [name, list] of perBoard) {
    const board = inv.boards.find((b) => b.name === name);
    const ram = board && boardRamMb(board);
    if (!board || ram === undefined) continue;
    const reserve = boardModel(board.model).osReserveMb;
    const used = list.reduce((sum, s) => sum + (s.memoryMb ?? 0), 0);
    if (used + reserve > ram) {
      const planned = list.map((s) => `${s.name} ${s.memoryMb}`).join(", ");
      out.push({
        rule: memoryBudgetRule, board: name, field: "roles",
        message: `planned services (${planned}) need ${used} MB + ${reserve} MB OS reserve > ${ram} MB RAM`,
      });
    }
  }
  return out;
}

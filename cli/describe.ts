// `npm run describe -- <inventory.yaml>`: what the model derives, per board and per service.
import { parseArgs } from "node:util";
import { planCluster } from "../model/clusterPlan";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
if (positionals.length !== 1) {
  console.error("usage: npm run describe -- <inventory.yaml>");
  process.exit(2);
}
const { inventory, violations } = validateInventoryFile(positionals[0]);
for (const v of violations) console.log(`! ${formatViolation(v)}`);
if (!inventory) process.exit(1);

const plan = planCluster(inventory);
const table = (rows: string[][]): string => {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
};

console.log(`cluster ${inventory.cluster.name}, datacenter ${inventory.cluster.datacenter}, admin ${inventory.admin.name} (${inventory.admin.address})\n`);
console.log(table([
  ["board", "model", "arch", "rack", "address", "swarm", "roles"],
  ...plan.boards.map((b) => [b.name, b.board.model, b.arch ?? "?", b.board.rack, b.address,
    plan.swarm.managers.includes(b.name) ? "manager" : plan.swarm.workers.includes(b.name) ? "worker" : "-", b.board.roles.join(",")]),
]));

console.log("\nmemory budget (MB): limits of every container placed, against RAM minus the OS reserve");
console.log(table([
  ["board", "services (limit/heap)", "used", "available", "free", "status"],
  ...plan.boards.map(({ name, budget }) => {
    const free = budget.availableMb === undefined ? undefined : budget.availableMb - budget.usedMb;
    return [name, budget.services.map((s) => `${s.service} ${s.memoryMb}${s.heapMb ? `/${s.heapMb}` : ""}`).join(", ") || "-",
      String(budget.usedMb), String(budget.availableMb ?? "?"), String(free ?? "?"), free !== undefined && free < 0 ? "OVER" : "ok"];
  }),
]));

console.log("\nracks");
const racks = new Map<string, string[]>();
for (const b of plan.boards) racks.set(b.board.rack, [...(racks.get(b.board.rack) ?? []), b.name]);
for (const [rack, boards] of [...racks].sort()) console.log(`  ${rack}: ${boards.join(", ")}`);

console.log(`\ncassandra seeds: ${plan.cassandra.seeds.join(", ")}`);
console.log(`cassandra nodes (join order): ${plan.cassandra.nodes.map((n) => `${n.board}@${n.rack}`).join(" -> ")}`);
console.log(`kraft voters: ${plan.kafka.voters}`);
console.log(`kafka node ids: ${plan.kafka.nodes.map((n) => `${n.board}=${n.nodeId} (${n.processRoles.join("+")})`).join(", ")}`);
console.log(`kafka bootstrap: ${plan.kafka.bootstrap.join(",")}`);
console.log(`stargate: ${plan.stargate.map((s) => `${s.board} (${s.address})`).join(", ") || "-"}`);
process.exit(violations.length > 0 ? 1 : 0);

// `npm run validate -- <inventory.yaml>...`: schema and every rule, offline; exit 1 on any violation.
import { parseArgs } from "node:util";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
if (positionals.length === 0) {
  console.error("usage: npm run validate -- <inventory.yaml> [more.yaml ...]");
  process.exit(2);
}
let failed = false;
for (const path of positionals) {
  const { violations } = validateInventoryFile(path);
  if (violations.length === 0) {
    console.log(`${path}: ok`);
    continue;
  }
  failed = true;
  console.log(`${path}: ${violations.length} violation(s)`);
  for (const v of violations) console.log(`  ${formatViolation(v)}`);
}
process.exit(failed ? 1 : 0);

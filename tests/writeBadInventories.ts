// Writes every bad inventory of tests/badInventories.ts as a file, to read it or to hand it to
// `npm run validate -- DIR/<name>.yaml`: npx ts-node --transpile-only tests/writeBadInventories.ts DIR
import { mkdirSync } from "node:fs";
import { badInventories, writeBadInventory } from "./badInventories";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: npx ts-node --transpile-only tests/writeBadInventories.ts DIR");
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
for (const name of Object.keys(badInventories)) console.log(writeBadInventory(name, dir));

// Writes stacks/inventory.schema.json from the zod schema, so editors complete and check inventories.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inventoryJsonSchema } from "../model/inventorySchemaJson";

const out = join(__dirname, "..", "stacks", "inventory.schema.json");
writeFileSync(out, JSON.stringify(inventoryJsonSchema(), null, 2) + "\n");
console.log(`wrote ${out}`);

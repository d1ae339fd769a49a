// Full offline validation: secrets scan, schema, then every rule. Shared by the CLI and the program.
import { readFileSync } from "node:fs";
import { Inventory } from "./inventory";
import { parseInventory, readYaml } from "./parseInventory";
import { checkInventory } from "./rules";
import { findInventorySecrets } from "./rules/secrets";
import { Violation } from "./violation";

export interface Validation {
  readonly inventory?: Inventory;
  readonly violations: Violation[];
}

/** The rules an inventory must pass once it fits the schema: all of them unless a caller says otherwise. */
export type InventoryRules = (inv: Inventory) => Violation[];

export function validateRaw(raw: unknown, rules: InventoryRules = checkInventory): Validation {
  const secrets = findInventorySecrets(raw);
  const parsed = parseInventory(raw);
  if (!parsed.ok) return { violations: [...secrets, ...parsed.violations] };
  return { inventory: parsed.inventory, violations: [...secrets, ...rules(parsed.inventory)] };
}

export function validateInventoryText(text: string, rules: InventoryRules = checkInventory): Validation {
  const { raw, violations } = readYaml(text);
  return violations.length > 0 ? { violations } : validateRaw(raw, rules);
}

export function validateInventoryFile(path: string, rules: InventoryRules = checkInventory): Validation {
  try {
    return validateInventoryText(readFileSync(path, "utf8"), rules);
  } catch (e) {
    return { violations: [{ rule: "file", field: path, message: (e as Error).message }] };
  }
}

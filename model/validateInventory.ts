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

export function validateRaw(raw: unknown): Validation {
  const secrets = findInventorySecrets(raw);
  const parsed = parseInventory(raw);
  if (!parsed.ok) return { violations: [...secrets, ...parsed.violations] };
  return { inventory: parsed.inventory, violations: [...secrets, ...checkInventory(parsed.inventory)] };
}

export function validateInventoryText(text: string): Validation {
  const { raw, violations } = readYaml(text);
  return violations.length > 0 ? { violations } : validateRaw(raw);
}

export function validateInventoryFile(path: string): Validation {
  try {
    return validateInventoryText(readFileSync(path, "utf8"));
  } catch (e) {
    return { violations: [{ rule: "file", field: path, message: (e as Error).message }] };
  }
}

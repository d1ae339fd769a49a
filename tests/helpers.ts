import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { Inventory, InventoryInput } from "../model/inventory";
import { parseInventory } from "../model/parseInventory";

export const root = join(__dirname, "..");

export function rawStack(name: "dev" | "lab"): InventoryInput {
  return parse(readFileSync(join(root, "stacks", `${name}.yaml`), "utf8")) as InventoryInput;
}

/** A stack's inventory, optionally edited first (tests derive variants from the real stacks). */
export function stack(name: "dev" | "lab", edit?: (raw: InventoryInput) => void): Inventory {
  const raw = structuredClone(rawStack(name));
  edit?.(raw);
  const parsed = parseInventory(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.violations));
  return parsed.inventory;
}

import { Board, Inventory } from "./inventory";

export function boardByName(inv: Inventory, name: string): Board {
  const b = inv.boards.find((x) => x.name === name);
  if (!b) throw new Error(`no board named ${name} in the inventory`);
  return b;
}

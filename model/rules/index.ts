// All inventory rules in one list: `npm run validate`, the program and the policy pack run these.
import { Inventory } from "../inventory";
import { Violation } from "../violation";
import { checkArchitecture } from "./architecture";
import { checkMemoryBudget } from "./memoryBudget";
import { checkPlacement } from "./placement";
import { checkQuorum } from "./quorum";
import { checkUniqueness } from "./uniqueness";
import { checkVersions } from "./versions";
import { checkWiredEthernet } from "./wiredEthernet";

export const inventoryRules: ReadonlyArray<(inv: Inventory) => Violation[]> = [
  checkWiredEthernet, checkUniqueness, checkMemoryBudget, checkQuorum, checkPlacement, checkArchitecture, checkVersions,
];

export function checkInventory(inv: Inventory): Violation[] {
  return inventoryRules.flatMap((rule) => rule(inv));
}

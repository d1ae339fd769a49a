// Where a local lab keeps its stack: the cache folder lab/up.sh fills (keys, host keys, the
// Cassandra password, the services it left out) and the inventory it runs. The lab harness
// and the health command both read it; the command must not depend on the lab's harness.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Inventory } from "./inventory";
import { omitServices, OmittableService } from "./omitServices";
import { validateInventoryFile } from "./validateInventory";

export function labDir(lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab"): string {
  return join(process.env.DESKCLUSTER_CACHE ?? join(homedir(), ".cache", "deskcluster"), "lab", lab);
}

export interface LabStack {
  /** The inventory as this lab runs it: stacks/lab.yaml less the services it left out. */
  readonly inventory: Inventory;
  readonly omitted: OmittableService[];
  readonly dir: string;
  readonly password: string;
}

export function labStack(root: string, dir = labDir()): LabStack {
  const { inventory, violations } = validateInventoryFile(join(root, "stacks", "lab.yaml"));
  if (!inventory) throw new Error(`stacks/lab.yaml: ${violations.map((v) => v.message).join("; ")}`);
  const omittedFile = join(dir, "omitted");
  const omitted = (existsSync(omittedFile) ? readFileSync(omittedFile, "utf8").split("\n").filter(Boolean) : []) as OmittableService[];
  return {
    inventory: omitServices(inventory, omitted), omitted, dir,
    password: readFileSync(join(dir, "cassandra-password"), "utf8").trim(),
  };
}

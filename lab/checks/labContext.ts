// What the lab checks need: the lab inventory (the single source of truth), and the lab's
// own key, pinned host keys and Cassandra password from the lab's cache folder.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { hostAddress } from "../../model/network";
import { Inventory } from "../../model/inventory";
import { omitServices, OmittableService } from "../../model/omitServices";
import { validateInventoryFile } from "../../model/validateInventory";
import { runOn } from "../../providers/sshSession";
import { SshTarget } from "../../providers/sshTarget";

export interface LabContext {
  /** The inventory as this lab runs it: stacks/lab.yaml less the services it left out. */
  readonly inventory: Inventory;
  readonly omitted: OmittableService[];
  readonly dir: string;
  readonly password: string;
  target(board: string): SshTarget;
  /** Runs a command on a board over the same pinned-host-key SSH path the program uses. */
  sh(board: string, command: string): Promise<string>;
}

export function labDir(lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab"): string {
  return join(process.env.DESKCLUSTER_CACHE ?? join(homedir(), ".cache", "deskcluster"), "lab", lab);
}

export function labContext(root = join(__dirname, "..", ".."), dir = labDir()): LabContext {
  const { inventory, violations } = validateInventoryFile(join(root, "stacks", "lab.yaml"));
  if (!inventory) throw new Error(`stacks/lab.yaml: ${violations.map((v) => v.message).join("; ")}`);
  const omittedFile = join(dir, "omitted");
  const omitted = (existsSync(omittedFile) ? readFileSync(omittedFile, "utf8").split("\n").filter(Boolean) : []) as OmittableService[];
  const hostKeys = JSON.parse(readFileSync(join(dir, "hostkeys.json"), "utf8")) as Record<string, string>;
  const privateKey = readFileSync(join(dir, "id_ed25519"), "utf8");
  const target = (board: string): SshTarget => {
    const b = inventory.boards.find((x) => x.name === board);
    if (!b) throw new Error(`no board ${board} in stacks/lab.yaml`);
    return { board, host: hostAddress(b), port: inventory.ssh.port, user: inventory.ssh.user, privateKey, hostKey: hostKeys[board] };
  };
  return {
    inventory: omitServices(inventory, omitted), omitted, dir, target,
    password: readFileSync(join(dir, "cassandra-password"), "utf8").trim(),
    sh: async (board, command) => (await runOn(target(board), command)).stdout,
  };
}

/** The id of a swarm service's running container: the same lookup the program's scripts use. */
export { containerOf } from "../../model/serviceScripts";

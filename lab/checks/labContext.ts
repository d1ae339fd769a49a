// What the lab checks need: the lab's stack (model/labStack.ts: the inventory it runs and its
// Cassandra password), and SSH to its boards with the lab's own key and pinned host keys.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hostAddress } from "../../model/network";
import { Inventory, sshUserOf } from "../../model/inventory";
import { labDir, labStack } from "../../model/labStack";
import { OmittableService } from "../../model/omitServices";
import { runOn } from "../../providers/sshSession";
import { SshTarget } from "../../providers/sshTarget";

export { labDir };

export interface LabContext {
  /** The inventory as this lab runs it: stacks/lab.yaml less the services it left out. */
  readonly inventory: Inventory;
  readonly omitted: OmittableService[];
  readonly dir: string;
  readonly password: string;
  target(board: string): SshTarget;
  /** Runs a command on a board over the same pinned-host-key SSH path the program uses, as the deploy user. */
  sh(board: string, command: string): Promise<string>;
  /** Runs a command as root on the board's console (docker exec): what a user does by hand at the board, not deskcluster. */
  console(board: string, command: string): Promise<string>;
}

export function labContext(root = join(__dirname, "..", ".."), dir = labDir()): LabContext {
  const lab = labStack(root, dir);
  const hostKeys = JSON.parse(readFileSync(join(dir, "hostkeys.json"), "utf8")) as Record<string, string>;
  const privateKey = readFileSync(join(dir, "id_ed25519"), "utf8");
  const target = (board: string): SshTarget => {
    const b = lab.inventory.boards.find((x) => x.name === board);
    if (!b) throw new Error(`no board ${board} in stacks/lab.yaml`);
    return { board, host: hostAddress(b), port: lab.inventory.ssh.port, user: sshUserOf(lab.inventory, b), privateKey, hostKey: hostKeys[board] };
  };
  return {
    inventory: lab.inventory, omitted: lab.omitted, dir, password: lab.password, target,
    sh: async (board, command) => (await runOn(target(board), command)).stdout,
    console: async (board, command) => {
      const lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";
      const r = spawnSync("docker", ["exec", `${lab}-${board}`, "bash", "-c", command], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`board ${board} (console): ${command}: exit ${r.status}: ${r.stderr.trim()}`);
      return r.stdout;
    },
  };
}

/** The id of a swarm service's running container: the same lookup the program's scripts use. */
export { containerOf } from "../../model/serviceScripts";

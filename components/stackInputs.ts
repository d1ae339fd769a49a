// Everything a stack brings: the inventory file named in config, and the secrets.
// Every problem is collected and reported together, before a resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { hostKeyProblem, privateKeyProblem } from "../model/knownHosts";
import { plaintextSecretConfig } from "../model/rules/secrets";
import { checkInventory } from "../model/rules";
import { InventoryRules, validateInventoryFile } from "../model/validateInventory";
import { omitServices, omitServicesProblems, OmittableService } from "../model/omitServices";
import { formatViolation } from "../model/violation";
import { DeskClusterArgs } from "./deskCluster";

const secretKeys = ["sshPrivateKey", "hostKeys", "cassandraSuperuserPassword"] as const;

function secretConfigKeys(): string[] {
  try {
    return (JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as string[]).map((k) => k.replace(/^deskcluster:/, ""));
  } catch {
    return [];
  }
}

/** The folder holding Pulumi.yaml: the engine runs the compiled program from bin/. */
function projectRoot(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** `rules` default to every inventory rule; the graph is then checked against the same ones. */
export function loadStackInputs(config: pulumi.Config, rules: InventoryRules = checkInventory): DeskClusterArgs {
  const file = config.get("inventory") ?? `stacks/${pulumi.getStack()}.yaml`;
  const { inventory, violations } = validateInventoryFile(resolve(projectRoot(), file), rules);
  const problems = violations.map(formatViolation);
  // Read raw only to validate; every use below goes through secret outputs.
  const raw = (k: string) => pulumi.runtime.getConfig(`deskcluster:${k}`);
  const present = secretKeys.filter((k) => raw(k) !== undefined);
  problems.push(...plaintextSecretConfig(secretKeys, present, secretConfigKeys()).map(formatViolation));
  const keyProblem = privateKeyProblem(raw("sshPrivateKey"));
  if (keyProblem) problems.push(keyProblem);
  if (!raw("cassandraSuperuserPassword")) problems.push("config cassandraSuperuserPassword: missing; set it with `pulumi config set --secret`");
  let hostKeys: Record<string, string> = {};
  try {
    hostKeys = JSON.parse(raw("hostKeys") ?? "{}") as Record<string, string>;
  } catch {
    problems.push("config hostKeys: not a map of board name to host key");
  }
  for (const b of inventory?.boards ?? []) {
    const p = hostKeyProblem(b.name, hostKeys[b.name]);
    if (p) problems.push(p);
  }
  const omitted = config.getObject<string[]>("omitServices") ?? [];
  problems.push(...omitServicesProblems(omitted).map(formatViolation));
  if (problems.length > 0 || !inventory) {
    throw new Error(`stack ${pulumi.getStack()} refused (${file}), nothing was changed:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  if (omitted.length > 0) pulumi.log.warn(`stack ${pulumi.getStack()}: services left out by config omitServices: ${omitted.join(", ")}`);
  return {
    inventory: omitServices(inventory, omitted as OmittableService[]),
    ssh: {
      user: inventory.ssh.user, port: inventory.ssh.port,
      users: Object.fromEntries(inventory.boards.filter((b) => b.sshUser).map((b) => [b.name, b.sshUser!])),
      hostKeys: config.requireSecretObject<Record<string, string>>("hostKeys"),
    },
    cassandraSuperuserPassword: config.requireSecret("cassandraSuperuserPassword"),
    rules,
  };
}

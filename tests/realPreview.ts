// Runs the real engine: `scripts/preview.sh STACK --json` with the policy pack.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CapturedResource } from "./policyCapture";

export const root = join(__dirname, "..");

export interface PreviewResult { ok: boolean; json: any; text: string }

// Previews in tests run against their own empty state backend: a lab that is up (with the
// lab stack's state in the shared backend) must not turn their "create" steps into "same".
let backend: string | undefined;
const testBackend = () => (backend ??= `file://${mkdtempSync(join(tmpdir(), "deskcluster-state-"))}`);

/** With json false the text output is kept: Pulumi 3.64 leaves policy violations out of --json. */
export function preview(stack: string, args: string[] = [], env: Record<string, string> = {}, asJson = true): PreviewResult {
  const r = spawnSync("bash", [join(root, "scripts/preview.sh"), stack, ...(asJson ? ["--json"] : []), ...args], {
    cwd: root, encoding: "utf8", env: { ...process.env, PULUMI_BACKEND_URL: testBackend(), DESKCLUSTER_SKIP_BUILD: "1", ...env }, maxBuffer: 64 << 20,
  });
  let json: any;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { ok: r.status === 0, json, text: `${r.stdout}\n${r.stderr}` };
}

/** A pack that records what the policies are handed (tests/policyCapture/index.ts). */
export const policyCapturePack = join(root, "tests", "policyCapture");

export interface DevPlan { readonly preview: PreviewResult; readonly policyResources: CapturedResource[] }
let devPlan: DevPlan | undefined;

/**
 * One real preview of the dev stack per test run, shared by the preview and the policy tests:
 * its --json output, and the resources the engine handed to the policy pack in that preview.
 */
export function devPreview(): DevPlan {
  if (devPlan) return devPlan;
  const file = join(mkdtempSync(join(tmpdir(), "deskcluster-plan-")), "policy-resources.json");
  const r = preview("dev", ["--policy-pack", policyCapturePack], { DESKCLUSTER_POLICY_CAPTURE: file });
  // Written even when the real pack refuses the plan: the policy test then names the violations.
  devPlan = { preview: r, policyResources: existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) as CapturedResource[] : [] };
  return devPlan;
}

/** The project's stacks with a program that runs no inventory rule itself (pass it as --cwd). */
export const policyOnlyProgram = join(root, "tests", "policyOnly");

/** A copy of a stack's config with another inventory file: what a PR that edits it previews. */
export function configWithInventory(stack: string, inventory: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "deskcluster-cfg-")), `Pulumi.${stack}.yaml`);
  writeFileSync(file, readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8").replace(/deskcluster:inventory: .*/, `deskcluster:inventory: ${inventory}`));
  return file;
}

/** Throwaway lab secrets (a key pair, host keys, a password): the lab preview needs no board. */
export function throwawayLabConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-lab-"));
  const keys: Record<string, string> = {};
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "id")]);
  for (const b of ["lab1", "lab2", "lab3", "lab4"]) {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, b)]);
    keys[b] = readFileSync(join(dir, `${b}.pub`), "utf8").split(" ").slice(0, 2).join(" ");
  }
  writeFileSync(join(dir, "hostkeys.json"), JSON.stringify(keys));
  copyFileSync(join(root, "Pulumi.lab.yaml"), join(dir, "Pulumi.lab.yaml"));
  const files = ["Pulumi.lab.yaml", "id", "hostkeys.json", "password"].map((f) => join(dir, f));
  const env = { ...process.env, PULUMI_BACKEND_URL: testBackend() };
  execFileSync("bash", [join(root, "lab/stackConfig.sh"), ...files], { cwd: root, stdio: "ignore", env });
  return join(dir, "Pulumi.lab.yaml");
}

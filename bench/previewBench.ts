// `pulumi preview` of a generated desk of N boards, with the policy pack (timed per policy):
// wall time, peak memory of the process tree, plan size and dependency edges.
// Everything it writes lives under the cache's bench folder, with its own state backend and
// the dev stack's published example secrets; only the host keys are made per board.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { generateInventory, inventoryYaml } from "./generateInventory";
import { throwawayHostKey } from "./hostKeys";
import { planSizeOfFile, PlanSize } from "./planEdges";
import { sampleTree, TreePeak } from "./processTree";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";

export interface PreviewFigures {
  readonly boards: number;
  readonly ok: boolean;
  readonly seconds: number;
  /** 1-minute load average as the preview started: on a shared machine, read the time with it. */
  readonly load: number;
  readonly peak: TreePeak;
  readonly plan?: PlanSize;
  /** ms per policy, as the pack measured itself inside the analyzer. */
  readonly policyMs: Record<string, number>;
  readonly error?: string;
  /** The first line of a CLI crash the preview was run again after (Pulumi 3.64's display races: pulumi/pulumi#10060). */
  readonly retriedAfter?: string;
}

// The dev stack's secrets are examples under a published passphrase; stackEnv.sh knows it.
const stack = "dev";
const passphrase = "deskcluster-dev-example";

export interface PreviewSetup { root: string; work: string; env: NodeJS.ProcessEnv }

export function previewSetup(root: string, work: string, toolEnv: NodeJS.ProcessEnv): PreviewSetup {
  mkdirSync(join(work, "state"), { recursive: true });
  const env = { ...toolEnv, PULUMI_BACKEND_URL: `file://${join(work, "state")}`, PULUMI_CONFIG_PASSPHRASE: passphrase };
  execFileSync("bash", ["-c", `STACK=${stack} . scripts/stackEnv.sh`], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  return { root, work, env };
}

/** Writes desk-N.yaml and its stack config; refuses an inventory the rules reject. */
export function prepareDesk(s: PreviewSetup, boards: number): string {
  const inventory = join(s.work, `desk-${boards}.yaml`);
  writeFileSync(inventory, inventoryYaml(boards));
  const { violations } = validateInventoryFile(inventory);
  if (violations.length > 0) throw new Error(`generated ${inventory} is invalid:\n${violations.map(formatViolation).join("\n")}`);
  const config = join(s.work, `desk-${boards}`, `Pulumi.${stack}.yaml`);
  mkdirSync(join(s.work, `desk-${boards}`), { recursive: true });
  writeFileSync(config, readFileSync(join(s.root, `Pulumi.${stack}.yaml`), "utf8").replace(/deskcluster:inventory: .*/, `deskcluster:inventory: ${inventory}`));
  const hostKeys = Object.fromEntries(generateInventory(boards).boards.map((b) => [b.name, throwawayHostKey()]));
  execFileSync("pulumi", ["config", "set", "--secret", "--stack", stack, "--config-file", config, "deskcluster:hostKeys"], {
    cwd: s.root, env: s.env, input: JSON.stringify(hostKeys), stdio: ["pipe", "ignore", "inherit"],
  });
  return config;
}

/** A crash of the CLI itself, not of the program: its display deep-copies events another goroutine still writes. */
const cliRace = /fatal error: concurrent map (iteration and map write|writes|read and map write)/;

export async function previewDesk(s: PreviewSetup, boards: number): Promise<PreviewFigures> {
  const config = prepareDesk(s, boards);
  const first = await previewOnce(s, boards, config);
  const race = first.error && cliRace.exec(first.error);
  if (!race) return first;
  console.error(`bench: preview of ${boards} boards: the CLI crashed (${race[0]}); running it again`);
  return { ...(await previewOnce(s, boards, config)), retriedAfter: race[0] };
}

/** The head (what failed) and the tail (where) of an error output. */
const excerpt = (text: string) => (text.length <= 2000 ? text : `${text.slice(0, 1000)}\n...\n${text.slice(-1000)}`);

async function previewOnce(s: PreviewSetup, boards: number, config: string): Promise<PreviewFigures> {
  const dir = join(s.work, `desk-${boards}`);
  const jsonFile = join(dir, "preview.json"), errFile = join(dir, "preview.stderr"), timing = join(dir, "policy-timing.jsonl");
  rmSync(timing, { force: true });
  // stdout goes straight to a file: the 200-board plan is about 80 MB of JSON.
  const out = openSync(jsonFile, "w"), err = openSync(errFile, "w");
  const args = ["preview", "--stack", stack, "--config-file", config, "--policy-pack", join(s.root, "bench/policyTiming"), "--non-interactive", "--json"];
  const load = Math.round(loadavg()[0] * 10) / 10;
  const t0 = Date.now();
  // Its own process group: a CLI that crashes leaves its program and plugins running, which would load the next size.
  const child = spawn("pulumi", args, { cwd: s.root, env: { ...s.env, DESKCLUSTER_POLICY_TIMING: timing }, stdio: ["ignore", out, err], detached: true });
  const sampler = sampleTree(child.pid!);
  const code = await new Promise<number>((done) => child.on("exit", (c) => done(c ?? 1)));
  try { process.kill(-child.pid!, "SIGKILL"); } catch { /* the group is gone already */ }
  const seconds = (Date.now() - t0) / 1000;
  const peak = sampler.stop();
  closeSync(out); closeSync(err);
  const policyMs: Record<string, number> = {};
  if (existsSync(timing)) {
    for (const line of readFileSync(timing, "utf8").split("\n").filter(Boolean)) {
      const t = JSON.parse(line) as { policy: string; ms: number };
      policyMs[t.policy] = Math.round((policyMs[t.policy] ?? 0) + t.ms);
    }
  }
  let plan: PlanSize | undefined;
  try { plan = planSizeOfFile(jsonFile); } catch { plan = undefined; }
  const error = code === 0 ? undefined : excerpt(readFileSync(errFile, "utf8")) || excerpt(readFileSync(jsonFile, "utf8"));
  return { boards, ok: code === 0, seconds, load, peak, plan, policyMs, error };
}

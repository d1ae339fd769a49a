// Upgrading a live lab from the previous release (0.1: dynamic resources) to this checkout
// (deskcluster's own provider plugin), run by the lab hooks before every lab test so that all
// of them test this checkout. What the upgrade planned and changed is recorded here for
// tests/lab/upgrade.test.ts: the plan's steps, the state before and after, and what ran on the
// boards (every service container and every board's Docker engine) before and after.
// The upgrade keeps the inventory the previous release ran, so what it shows is the new version
// alone; this checkout's own lab inventory follows as a day-2 change, under load.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { labContext, labDir } from "../../lab/checks/labContext";
import { AckedLoad, LoadCounts } from "../../lab/load/ackedLoad";
import { unflatten } from "../../providers/flatProps";
import { containers, pulumi, up } from "./labPulumi";

const root = join(__dirname, "..", "..");

export interface PlanStep { op: string; type: string; urn: string }
export interface BoardFacts { containers: Record<string, string>; engines: Record<string, string> }
export interface StateFacts {
  resources: number; bytes: number; legacyCode: number; types: string[];
  /** Resources whose state still holds a script (create, probe or undo text) though they are recipes. */
  recipeScripts: string[];
  /** Resources whose state holds a copy of a live spec (what the swarm answered) instead of its drift. */
  liveSpecCopies: string[];
  /** Resources whose state holds a spec that is not the one they applied (Cassandra join specs, config data in outputs). */
  extraSpecs: string[];
  /** Resources whose outputs copy what their inputs hold (specs, secret env, the recipe of a step with no undo): read gets the inputs. */
  inputCopies: string[];
}
/** This checkout's lab inventory applied after the upgrade by a second `pulumi up`, under a counted load. */
export interface InventoryChange {
  code: number; out: string; seconds: number; before: BoardFacts; after: BoardFacts; counts: { kafka: LoadCounts; cassandra: LoadCounts };
  /** JVM_EXTRA_OPTS of each Cassandra container that runs afterwards, by board. */
  jvmOptions: Record<string, string>;
}
export interface UpgradeRecord {
  plan: PlanStep[]; before: BoardFacts; after: BoardFacts; stateBefore: StateFacts; stateAfter: StateFacts; upSeconds: number;
  currentInventory?: InventoryChange;
}

let record: UpgradeRecord | undefined;
export const upgradeRecord = (): UpgradeRecord | undefined => record;

const sh = (cmd: string, input?: string) => {
  const r = spawnSync("bash", ["-c", `. scripts/toolchain/env.sh && STACK=lab . scripts/stackEnv.sh && ${cmd}`], {
    cwd: root, encoding: "utf8", env: process.env, maxBuffer: 256 << 20, input, stdio: ["pipe", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}`);
  return r.stdout;
};
const stackArgs = () => `--stack lab --config-file ${labDir()}/Pulumi.lab.yaml --non-interactive`;

type Exported = { urn: string; type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
const nameOf = (r: Exported) => r.urn.slice(r.urn.lastIndexOf("::") + 2);
const hasAny = (o: Record<string, unknown> | undefined, keys: string[]) => !!o && keys.some((k) => k in o);
// This release's types, and 0.1's dynamic ones (pulumi-nodejs:dynamic/deskcluster:SwarmService, ...).
const isService = (t: string) => t === "deskcluster:swarm:Service" || t.endsWith("/deskcluster:SwarmService");
const isConfig = (t: string) => t === "deskcluster:swarm:Config" || t.endsWith("/deskcluster:SwarmConfig");
/** Steps whose delete runs an undo (swarm leave, node removal): their outputs keep what it needs. */
const undoRecipes = ["swarm-member", "swarm-node"];
const isRoll = (t: string) => /^deskcluster:roll:|\/deskcluster:(Cassandra|Kafka)Roll$/.test(t);

function state(): StateFacts {
  const text = sh("pulumi stack export --stack lab");
  // Specs, recipes, digests and facts are kept as JSON strings (providers/flatProps.ts); older state has objects.
  const resources = ((JSON.parse(text) as { deployment: { resources?: Exported[] } }).deployment.resources ?? [])
    .map((r) => ({ ...r, inputs: r.inputs && unflatten(r.inputs), outputs: r.outputs && unflatten(r.outputs) }));
  const observed = (r: Exported) => Object.values((r.outputs?.observed ?? {}) as Record<string, unknown>);
  return {
    resources: resources.length, bytes: Buffer.byteLength(text), legacyCode: (text.match(/"__provider"/g) ?? []).length,
    types: [...new Set(resources.map((r) => r.type))].sort(),
    recipeScripts: resources.filter((r) => r.inputs?.recipe && (hasAny(r.inputs, ["create", "probe", "delete"])
      || hasAny(r.outputs, ["create", "probe", "delete"]))).map(nameOf),
    liveSpecCopies: resources.filter((r) => isService(r.type) ? hasAny(r.outputs?.observed as Record<string, unknown>, ["spec"])
      : isRoll(r.type) && observed(r).some((o) => hasAny(o as Record<string, unknown>, ["spec"]))).map(nameOf),
    extraSpecs: resources.filter((r) => hasAny(r.outputs, ["joinSpecs"]) || hasAny(r.inputs, ["joinSpecs"])
      || (isConfig(r.type) && hasAny(r.outputs, ["spec"]))).map(nameOf),
    inputCopies: resources.filter((r) => hasAny(r.outputs, ["spec", "specs", "secretEnv"])
      || (hasAny(r.outputs, ["recipe"]) && !undoRecipes.includes((r.outputs!.recipe as { name?: string }).name ?? ""))).map(nameOf),
  };
}

async function boards(): Promise<BoardFacts> {
  const ctx = labContext(root);
  const engines: Record<string, string> = {};
  // The engine's process start: a reinstalled or restarted Docker shows a new one.
  for (const b of ctx.inventory.boards) engines[b.name] = (await ctx.sh(b.name, "ps -o lstart= -C dockerd | head -1")).trim();
  return { containers: await containers(ctx), engines };
}

/** The previous release's main command, this checkout's plan of the upgrade, then this checkout's main command. */
export async function upgradeFromPreviousRelease(run: (cmd: string) => number): Promise<void> {
  // Cards as flashed, read by preflight and bootstrapped (the deploy user): the previous release then converges them.
  if (run("bash lab/boards.sh up") !== 0) throw new Error("lab/boards.sh up failed");
  if (run("bash tests/lab/previousRelease.sh") !== 0) throw new Error("tests/lab/previousRelease.sh failed");
  const inventory = sh("bash tests/lab/previousRelease.sh --inventory").trim();
  const before = await boards();
  const stateBefore = state();
  if (run("npx --no-install tsc -p tsconfig.json") !== 0) throw new Error("tsc failed");
  sh(`pulumi config set deskcluster:inventory ${inventory} ${stackArgs()}`);
  type Step = { op: string; urn: string; newState?: { type: string }; oldState?: { type: string } };
  const preview = JSON.parse(sh(`pulumi preview --json --policy-pack policies ${stackArgs()}`)) as { steps?: Step[] };
  const plan = (preview.steps ?? []).map((s) => ({ op: s.op, urn: s.urn, type: s.newState?.type ?? s.oldState?.type ?? "" }));
  const started = Date.now();
  if (run(`DESKCLUSTER_LAB_INVENTORY=${inventory} bash lab/up.sh`) !== 0) throw new Error("lab/up.sh (the upgrade) failed");
  record = { plan, before, after: await boards(), stateBefore, stateAfter: state(), upSeconds: Math.round((Date.now() - started) / 1000) };
  record.currentInventory = await applyCurrentInventory();
}

/** Day 2 right after the upgrade, so that every lab test runs this checkout's lab inventory. */
async function applyCurrentInventory(): Promise<InventoryChange> {
  const ctx = labContext(root);
  const load = await AckedLoad.start(ctx, `inventory-${Date.now()}`);
  const before = await boards();
  const set = await pulumi("config set deskcluster:inventory stacks/lab.yaml");
  const r = set.code === 0 ? await up() : set; // pulumi() reports a failure in its code, it never throws
  const counts = await load.stop();
  const after = await boards();
  const jvmOptions: Record<string, string> = {};
  for (const [key, id] of Object.entries(after.containers).filter(([k]) => /\/cassandra-/.test(k))) {
    const board = key.split("/")[0];
    const env = `sudo docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' ${id}`;
    jvmOptions[board] = (await ctx.sh(board, `${env} | sed -n 's/^JVM_EXTRA_OPTS=//p'`)).trim();
  }
  return { ...r, before, after, counts, jvmOptions };
}

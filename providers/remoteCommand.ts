// RemoteCommand: one converge step on a board over SSH, in the shape of @pulumi/command's
// remote.Command (whose plugin cannot be built offline here), with day-2 semantics:
// - `create` is an idempotent converge script: a changed script, input or connection re-runs
//   it IN PLACE (never a replace, so the undo never runs because something changed);
// - `delete` (the undo) runs only when the step leaves the program;
// - `probe` prints the facts the step owns as one JSON object; read (refresh) runs it, and a
//   fact that differs from `expect` is drift: the diff names the field and the update re-runs
//   `create` to put it back.
// A step is either a recipe (model/stepRecipes.ts: what it does and the facts it needs, rendered
// into scripts here) or its scripts as text; state keeps the recipe, never a script.
// The board's address is plain (the plugin pins its host key from config); stdin is a secret,
// stdout too when asked, and so is a connection kept for an undo (it holds the host key).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../model/canonicalJson";
import { recipeNames, StepRecipe, stepScripts } from "../model/stepRecipes";
import type { ServedProvider } from "./pluginProvider";
import { resourceTypes, withLegacyAlias } from "./resourceTypes";
import { flatInput } from "./flatProps";
import { targetInput } from "./targetInput";
import { runShared } from "./sshSession";
import { BoardAddress, SshTarget, sshTargetFailures, targetDigest } from "./sshTarget";

/** The engine type of every RemoteCommand (what the policy pack looks for). */
export const remoteCommandType = resourceTypes.remoteCommand;

export interface RemoteCommandInputs {
  connection: SshTarget;
  /** What the step is, in words, for drift and progress messages ("swarm join lab2"). */
  what?: string;
  /** The step by name and facts; its create, delete, probe and expect are rendered from it. */
  recipe?: StepRecipe;
  create?: string;
  delete?: string;
  stdin?: string;
  /** Values whose change re-runs the step, as their digest (triggersDigest); `triggers` itself is kept for tools and tests. */
  triggers?: unknown[];
  triggersDigest?: string;
  probe?: string;
  expect?: Record<string, string>;
  /** Updates of steps in the same group run one at a time (engine restarts, board by board). */
  serial?: string;
}
/**
 * What only the diff compares, as digests: the scripts a step ran (its converge script, its undo, its probe and
 * expected facts), its stdin (a secret), its triggers and the SSH target it ran on (address, user, host key). State
 * keeps one digest of them all (`applied`): any of them changing re-runs the step, whichever it is.
 */
interface Digests { create: string; stdin?: string; triggers?: string; delete?: string; probe?: string; expect?: string; target?: string }
/**
 * What the state keeps of a step besides the inputs the engine keeps: the applied digest, what the board answered and, for
 * a step with an undo, what the delete needs (its recipe or undo, and the connection: a delete gets the outputs
 * alone). A read gets the step's inputs (readWithInputs.ts), so the probe and connection stay there. Older state kept
 * the recipe and connection of every step (and, before recipes, the scripts).
 */
type RemoteCommandState = Omit<RemoteCommandInputs, "create" | "stdin" | "triggers" | "triggersDigest" | "connection"> & {
  connection?: SshTarget; applied?: string; digests?: Partial<Digests>; create?: string; stdin?: string; triggers?: unknown[]; stdout?: string; stderr?: string;
  observed?: Record<string, string>;
};

const sha = (v: unknown) => createHash("sha256").update(typeof v === "string" ? v : JSON.stringify(v)).digest("hex");
/** The digest of a step's triggers, the same whether the program or the provider takes it. */
export const triggersDigest = (triggers: unknown[]): string => sha(canonicalJson(triggers));

/** The scripts a step runs: rendered from its recipe, or given as text. */
export function scriptsOf(i: Pick<RemoteCommandInputs, "recipe" | "create" | "delete" | "probe" | "expect">) {
  if (i.recipe) return stepScripts(i.recipe);
  return { create: i.create ?? "", delete: i.delete, probe: i.probe, expect: i.expect };
}

const optional = (k: keyof Digests, v: unknown) => (v === undefined ? {} : { [k]: sha(canonicalJson(v)) });

function digestsOf(i: Partial<RemoteCommandInputs>): Digests {
  const triggers = i.triggersDigest ?? (i.triggers !== undefined ? triggersDigest(i.triggers) : undefined);
  const scripts = scriptsOf(i);
  return {
    create: sha(scripts.create), ...(i.stdin !== undefined ? { stdin: sha(i.stdin) } : {}), ...(triggers !== undefined ? { triggers } : {}),
    ...optional("delete", scripts.delete), ...optional("probe", scripts.probe), ...optional("expect", scripts.expect), target: targetDigest(i.connection),
  };
}
/** 64 bits of the digests: enough to tell one applied step from another. */
const appliedDigest = (d: Digests) => sha(canonicalJson(d)).slice(0, 16);
/**
 * The applied digest a step's state stands for. Older state kept digests of the converge script, stdin and triggers
 * beside the recipe (or scripts) and connection themselves: the same digest is taken of those.
 */
function appliedOf(olds: RemoteCommandState): string {
  if (typeof olds.applied === "string") return olds.applied;
  return appliedDigest({ ...digestsOf(olds as RemoteCommandInputs), ...olds.digests });
}

/** The state of a step that ran (or, on an upgrade, of one that ran before): never the script itself. */
export function commandState(i: RemoteCommandInputs, out: { stdout?: string; stderr?: string }, observed?: Record<string, string>): RemoteCommandState {
  const undo = scriptsOf(i).delete !== undefined;
  // What the undo needs, only for a step that has one: the recipe it is rendered from (or its text) and the board.
  const forDelete = !undo ? {} : { connection: i.connection, ...(i.recipe ? { recipe: i.recipe } : { delete: i.delete }) };
  // The engine's struct encoding refuses undefined values. Its label and serial group stay inputs: diff and update get those.
  return { ...forDelete,
    applied: appliedDigest(digestsOf(i)), ...(out.stdout !== undefined ? { stdout: out.stdout } : {}),
    ...(out.stderr !== undefined ? { stderr: out.stderr } : {}), ...(observed ? { observed } : {}) };
}

/** Fields whose observed value is not the expected one (only fields the step expects). */
export function driftedFacts(observed: Record<string, string> | undefined, expect: Record<string, string> | undefined): string[] {
  if (!observed || !expect) return [];
  return Object.keys(expect).filter((k) => observed[k] !== expect[k]);
}

async function probe(i: Pick<RemoteCommandInputs, "connection" | "probe" | "what" | "recipe">): Promise<Record<string, string> | undefined> {
  const script = i.recipe ? stepScripts(i.recipe).probe : i.probe;
  if (!script) return undefined;
  const out = (await runShared(i.connection, script)).stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(out) as Record<string, string>;
  } catch {
    throw new Error(`board ${i.connection.board}: ${i.what ?? "step"}: probe printed no JSON object: ${out.slice(0, 200)}`);
  }
}

/** Waits for the group's turn inside the provider process (shared through globalThis, as the SSH pool). */
async function serialTurn(group: string): Promise<() => void> {
  const g = globalThis as unknown as { __deskclusterSerial?: Map<string, Promise<void>> };
  if (!g.__deskclusterSerial) g.__deskclusterSerial = new Map();
  const turns = g.__deskclusterSerial;
  const previous = turns.get(group) ?? Promise.resolve();
  let release = () => {};
  const mine = new Promise<void>((r) => { release = r; });
  turns.set(group, previous.then(() => mine));
  await previous;
  return release;
}

async function converge(i: RemoteCommandInputs): Promise<RemoteCommandState> {
  const out = await runShared(i.connection, scriptsOf(i).create, i.stdin);
  return commandState(i, out, await probe(i));
}

export const remoteCommandProvider: ServedProvider = {
  async check(_olds: RemoteCommandInputs, news: RemoteCommandInputs) {
    const failures = sshTargetFailures(news.connection);
    if (news.recipe !== undefined && !recipeNames.includes(news.recipe?.name)) {
      const reason = `board ${news.connection?.board}: field recipe.name: ${news.recipe?.name} is not one of ${recipeNames.join(", ")}`;
      failures.push({ property: "recipe", reason });
    } else if (news.recipe === undefined && (typeof news.create !== "string" || news.create.trim() === "")) {
      failures.push({ property: "create", reason: `board ${news.connection?.board}: field create: empty script` });
    }
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: RemoteCommandState, news: RemoteCommandInputs) {
    const after = scriptsOf(news);
    const changed = appliedOf(olds) !== appliedDigest(digestsOf(news));
    const drift = driftedFacts(olds.observed, after.expect);
    for (const f of drift) {
      // Facts are states and digests, never secrets: safe to print.
      console.error(`drift: board ${news.connection.board}: ${news.what ?? "step"}: `
        + `field ${f} is ${olds.observed?.[f] ?? "absent"}, wanted ${after.expect?.[f]}`);
    }
    const changes = changed || drift.length > 0;
    return { changes, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: RemoteCommandInputs) {
    return { id: `${inputs.connection.board}-${Date.now().toString(36)}`, outs: await converge(inputs) };
  },
  async update(_id: string, _olds: RemoteCommandState, news: RemoteCommandInputs) {
    if (!news.serial) return { outs: await converge(news) };
    const release = await serialTurn(news.serial);
    try {
      return { outs: await converge(news) };
    } finally {
      release();
    }
  },
  restate(olds: RemoteCommandState, news: RemoteCommandInputs) {
    return commandState(news, olds, olds.observed);
  },
  async read(id: string, props: RemoteCommandState, inputs?: RemoteCommandInputs) {
    // The probe and the board are the last inputs; an older state has them in its outputs too.
    if (!inputs?.connection) {
      const observed = await probe(props as RemoteCommandInputs);
      return { id, props: observed ? { ...props, observed } : props };
    }
    // Written back in this version's shape (older state shrinks on its first refresh), with the digests of what ran.
    const observed = (await probe(inputs)) ?? props.observed;
    return { id, props: { ...commandState(inputs, props, observed), applied: appliedOf(props) } };
  },
  async delete(_id: string, props: RemoteCommandState) {
    const undo = scriptsOf(props).delete;
    if (undo && props.connection) await runShared(props.connection, undo);
  },
};

export interface RemoteCommandArgs {
  connection: pulumi.Input<BoardAddress>;
  what?: string;
  recipe?: pulumi.Input<StepRecipe>;
  create?: pulumi.Input<string>;
  delete?: pulumi.Input<string>;
  stdin?: pulumi.Input<string>;
  triggers?: pulumi.Input<unknown>[];
  probe?: pulumi.Input<string>;
  expect?: pulumi.Input<Record<string, string>>;
  serial?: string;
  /** Keep stdout out of logs, diffs and plaintext state (tokens, passwords). */
  secretStdout?: boolean;
}

export class RemoteCommand extends pulumi.CustomResource {
  declare public readonly stdout: pulumi.Output<string>;
  declare public readonly stderr: pulumi.Output<string>;
  constructor(name: string, args: RemoteCommandArgs, opts?: pulumi.CustomResourceOptions) {
    const { secretStdout, triggers, ...inputs } = args;
    // The applied digest covers the stdin's: secret with it, as a digest of a weak secret could be guessed.
    // A connection kept for an undo is made secret by the plugin itself (it holds the pinned host key).
    // (stdin is an input, secret as the program sends it, and no output.)
    const secrets = [...(args.stdin !== undefined ? ["applied"] : []), ...(secretStdout ? ["stdout", "stderr"] : [])];
    super(resourceTypes.remoteCommand, name, {
      ...inputs, connection: targetInput(inputs.connection), recipe: flatInput(inputs.recipe),
      // Only their digest: a trigger is often a whole spec or a token, which state need not hold.
      ...(triggers ? { triggersDigest: pulumi.all(triggers).apply((t) => triggersDigest(t)) } : {}),
      stdout: undefined, stderr: undefined, observed: undefined, applied: undefined,
    }, withLegacyAlias("remoteCommand", opts, secrets));
  }
}

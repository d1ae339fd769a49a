// ServiceRoll: the one effectful piece that changes a stateful system's services (Cassandra
// nodes, Kafka nodes). Its read asks the swarm for every node's live spec and tasks; its diff
// names what changed or drifted per node; its create and update carry out the pure rolling
// plan of model/rollPlan.ts one node at a time behind its checks, printing which node it rolls
// and what it waits for. A node that does not come back stops the roll with its board and the
// check it waited for; the nodes after it stay untouched (the next `pulumi up` resumes).
// The same plan carries a node through its life: a board read back empty replaces its old self
// (Cassandra's replace_address_first_boot; Kafka's storage formatted again with the same cluster
// id and node id by the image), a new node joins, and one that left the inventory leaves.
import * as pulumi from "@pulumi/pulumi";
import { RollMembershipContext, rollMembership } from "../model/membership";
import { membershipRefusals } from "../model/membershipChange";
import { replacingSpec, withCassandraConfig } from "../model/cassandraConfig";
import { actionScript, checkScript, memberMarkedScript, memberMarkScript, parseRingStatus, ringStatusScript } from "../model/rollChecks";
import { Check, describeCheck, RollFacts, RollNode, rollPlan, RollStep, RollSystem } from "../model/rollPlan";
import { formatViolation } from "../model/violation";
import { resourceTypes, withLegacyAlias } from "./resourceTypes";
import { withDocker } from "./dockerOverSsh";
import type { ServedProvider } from "./pluginProvider";
import {
  appliedRecord, applyService, differingPaths, digestEnv, inspectService, ObservedService, observeService, RecordedService, recordedDrift,
  recordService, removeService, runningTasks, Spec,
} from "./serviceState";
import { runShared } from "./sshSession";
import { flatInput } from "./flatProps";
import { targetInput, targetsInput } from "./targetInput";
import { BoardAddress, sameTarget, SshTarget, sshTargetFailures } from "./sshTarget";
import { changedFields, FieldDigests, fieldDigests } from "./fieldDigests";

/** The engine types of the rolled sets (what the policy pack looks for). */
export const rollTypes: string[] = [resourceTypes.cassandraRoll, resourceTypes.kafkaRoll];

export interface ServiceRollInputs {
  manager: SshTarget;
  system: RollSystem;
  nodes: RollNode[];
  /** Desired spec per service name. */
  specs: Record<string, Spec>;
  /** SSH targets per board, for the checks run inside the nodes' containers. */
  connections: Record<string, SshTarget>;
  /** Secret env vars given to every node (CLUSTER_ID), kept out of the readable specs. */
  secretEnv?: Record<string, string>;
  timeoutSeconds: number;
  /** Replication factors (and, for Kafka, the swarm managers) the membership rules compare with the last run's. */
  membership?: RollMembershipContext;
  /**
   * Cassandra: per service of a node that is its own seed, the config it starts with when it joins an existing ring
   * (itself left out of its seeds); its join spec is its spec with that config (withCassandraConfig).
   */
  joinConfigs?: Record<string, string>;
  /** Cassandra: per board, the file on its data folder that says the node joined with its data. */
  markers?: Record<string, string>;
  /** Kafka: topics reassigned to include brokers that join (the inventory's `rebalance` setting). */
  rebalance?: string[];
}
/**
 * What the state keeps of a roll besides the inputs the engine keeps: what its diff, update and delete need (the
 * nodes and how to reach them, each applied spec's field digests) and, per service, what the swarm answered. The
 * specs themselves are inputs, which read gets (readWithInputs.ts); so are join configs, markers and the membership
 * context, which check compares with the last run's. Older state (before read got its inputs) kept the specs and the secret env too.
 */
type ServiceRollState = Pick<ServiceRollInputs, "manager" | "system" | "nodes" | "connections" | "timeoutSeconds">
  & { fields?: Record<string, FieldDigests>; observed?: Record<string, RecordedService>; specs?: Record<string, Spec>; secretEnv?: Record<string, string> };

function rollState(i: Pick<ServiceRollInputs, "manager" | "system" | "nodes" | "connections" | "timeoutSeconds" | "specs">,
  observed: Record<string, RecordedService>): ServiceRollState {
  const { manager, system, nodes, specs, connections, timeoutSeconds } = i;
  const fields = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, fieldDigests(spec)]));
  return { manager, system, nodes, fields, connections, timeoutSeconds, observed };
}
/** Each service's last applied spec as field digests (older state kept the specs themselves). */
const appliedFields = (olds: ServiceRollState): Record<string, FieldDigests> =>
  olds.fields ?? Object.fromEntries(Object.entries(olds.specs ?? {}).map(([name, spec]) => [name, fieldDigests(spec)]));
/** What a recorded service departs from; only older state, which kept the live spec, needs the applied one. */
const appliedSpec = (olds: ServiceRollState, name: string): Spec => olds.specs?.[name] ?? { Name: name };
const recordAll = (live: Record<string, ObservedService | RecordedService>, specs: Record<string, Spec>) =>
  Object.fromEntries(Object.entries(live).map(([name, o]) => [name, recordService(o, specs[name] ?? { Name: name })]));

const log = (line: string) => console.error(line);
const pollMs = 3000;

/** Each service as taken to be right after it was applied (by name: specs or their digests). */
const applied = (i: { specs: Record<string, unknown>; secretEnv?: Record<string, string> }): Record<string, RecordedService> =>
  Object.fromEntries(Object.keys(i.specs).map((name) => [name, appliedRecord(i.secretEnv)]));

async function observeAll(i: Pick<ServiceRollInputs, "manager" | "specs" | "secretEnv">): Promise<Record<string, ObservedService>> {
  const keys = Object.keys(i.secretEnv ?? {});
  return withDocker(i.manager, async (d) => {
    const out: Record<string, ObservedService> = {};
    for (const [name, spec] of Object.entries(i.specs)) out[name] = await observeService(d, spec, keys);
    return out;
  });
}

/** Services whose live state is not the desired one: a changed spec, drift, or tasks not running. */
function needsRoll(i: ServiceRollInputs, live: Record<string, ObservedService>): Set<string> {
  const digest = i.secretEnv ? digestEnv(i.secretEnv) : undefined;
  return new Set(i.nodes.filter((n) => {
    const o = live[n.service];
    return !o?.spec || !o.running || o.secretDigest !== digest || differingPaths(o.spec, i.specs[n.service]).length > 0;
  }).map((n) => n.board));
}

async function holds(i: ServiceRollInputs, c: Check, oldTasks: Set<string>): Promise<boolean> {
  if (c.kind === "task-replaced") {
    return withDocker(i.manager, async (d) => {
      const live = await inspectService(d, c.service);
      return !!live && (await runningTasks(d, live.ID)).some((t) => t.running && !oldTasks.has(t.id));
    });
  }
  try {
    await runShared(i.connections[c.board], checkScript(c)!);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(i: ServiceRollInputs, c: Check, step: RollStep, rest: string[], oldTasks = new Set<string>()): Promise<void> {
  const started = Date.now();
  log(`roll ${i.system}: ${step.board}: waiting for ${describeCheck(c)}`);
  while (!(await holds(i, c, oldTasks))) {
    if (Date.now() - started > i.timeoutSeconds * 1000) {
      throw new Error(`roll ${i.system} stopped at board ${step.board}: waited ${i.timeoutSeconds}s for ${describeCheck(c)}; `
        + `${rest.length ? `not rolled yet, untouched: ${rest.join(", ")}` : "no node left to roll"}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function askActiveController(i: ServiceRollInputs): Promise<number | undefined> {
  for (const n of i.nodes.filter((x) => x.broker)) {
    const cmd = `ctr=$(sudo docker ps -q --filter label=com.docker.swarm.service.name=${n.service} | head -n 1); [ -n "$ctr" ] && `
      + `sudo docker exec "$ctr" kafka-metadata-quorum --bootstrap-server ${n.address}:9092 describe --status`;
    try {
      const m = /^LeaderId:\s+(\d+)/m.exec((await runShared(i.connections[n.board], cmd)).stdout);
      if (m) return Number(m[1]);
    } catch { /* that broker is down: ask the next */ }
  }
  return undefined;
}

/** The ring as the first running node sees it; empty when none answers (the first deploy). */
async function ringStatus(i: ServiceRollInputs, live: Record<string, ObservedService>): Promise<Map<string, string>> {
  for (const n of i.nodes.filter((x) => live[x.service]?.running)) {
    try {
      const ring = parseRingStatus((await runShared(i.connections[n.board], ringStatusScript(n.service))).stdout);
      if (ring.size > 0) return ring;
    } catch { /* that node does not answer: ask the next */ }
  }
  return new Map();
}

async function marked(i: ServiceRollInputs, board: string): Promise<boolean> {
  try {
    await runShared(i.connections[board], memberMarkedScript(i.markers![board]));
    return true;
  } catch {
    return false;
  }
}

/** What the plan needs to know about the nodes as they are: which exist, run, came back empty, joined, left. */
async function rollFacts(i: ServiceRollInputs, live: Record<string, ObservedService>, changed: Set<string>, olds?: ServiceRollState): Promise<RollFacts> {
  const existing = new Set(i.nodes.filter((n) => live[n.service]?.spec).map((n) => n.board));
  const down = new Set(i.nodes.filter((n) => existing.has(n.board) && !live[n.service].running).map((n) => n.board));
  const leaving = (olds?.nodes ?? []).filter((n) => !i.specs[n.service]);
  const replaced = new Set<string>();
  const leavingRing = new Map<string, "down" | "gone">();
  if (i.system === "cassandra" && existing.size > 0) {
    const ring = await ringStatus(i, live);
    for (const l of ring.size > 0 ? leaving : []) {
      const state = ring.get(l.address);
      if (!state) leavingRing.set(l.board, "gone");
      else if (state.startsWith("D")) leavingRing.set(l.board, "down");
    }
    for (const n of i.nodes.filter((x) => existing.has(x.board))) {
      const state = ring.get(n.address);
      if (state === "UN" || ring.size === 0) continue;
      // Not Up/Normal (a task the swarm restarts can look running between two failed starts): it rolls.
      changed.add(n.board);
      down.add(n.board);
      // The ring still has it, its board does not: the data folder is gone, the node replaces its old self.
      if (state && i.markers?.[n.board] && !(await marked(i, n.board))) replaced.add(n.board);
    }
  }
  const activeController = i.system === "kafka" && existing.size > 0 ? await askActiveController(i) : undefined;
  const ownSeed = new Set(i.nodes.filter((n) => i.joinConfigs?.[n.service]).map((n) => n.board));
  return { existing, down, replaced, leaving, leavingRing, activeController, ownSeed,
    rebalance: i.rebalance };
}

/** The spec a step applies, or none. */
function stepSpec(i: ServiceRollInputs, step: RollStep): Spec | undefined {
  const node = i.nodes.find((n) => n.service === step.service);
  const spec = i.specs[step.service];
  const join = i.joinConfigs?.[step.service];
  const joining = join ? withCassandraConfig(spec, join) : spec;
  switch (step.apply ?? "spec") {
    case "spec": return spec;
    case "join": return joining;
    case "replace": return replacingSpec(joining, node!.address);
    default: return undefined;
  }
}

async function markMembers(i: ServiceRollInputs, boards: readonly string[]): Promise<void> {
  for (const b of boards) if (i.markers?.[b]) await runShared(i.connections[b], memberMarkScript(i.markers[b]));
}

async function roll(i: ServiceRollInputs, olds?: ServiceRollState): Promise<Record<string, RecordedService>> {
  const live = await observeAll(i);
  const changed = needsRoll(i, live);
  const facts = await rollFacts(i, live, changed, olds);
  // A leaving node is reached through the last run's connections (the inventory no longer has its board).
  const run: ServiceRollInputs = { ...i, connections: { ...(olds?.connections ?? {}), ...i.connections } };
  const plan = rollPlan(i.system, i.nodes, changed, facts);
  const boards = plan.steps.map((s) => `${s.board}${s.apply && s.apply !== "spec" ? ` (${s.apply})` : ""}`);
  if (boards.length > 0) {
    log(`roll ${i.system}: order ${boards.join(" -> ")}${facts.activeController ? ` (active controller ${facts.activeController} last)` : ""}`);
  }
  for (const [k, step] of plan.steps.entries()) {
    const rest = plan.steps.slice(k + 1).map((s) => s.board);
    const started = Date.now();
    for (const c of step.before) await waitFor(run, c, step, [step.board, ...rest]);
    for (const a of step.actions) {
      log(`roll ${i.system}: ${step.board}: ${a.kind}`);
      await runShared(run.connections[a.board], actionScript(a));
    }
    const spec = stepSpec(i, step);
    const oldTasks = await withDocker(i.manager, async (d) => {
      const svc = await inspectService(d, step.service);
      const tasks = svc ? (await runningTasks(d, svc.ID)).map((t) => t.id) : [];
      if (step.apply === "remove") {
        log(`roll ${i.system}: ${step.board} left the inventory: removing ${step.service}`);
        await removeService(d, step.service);
      } else if (spec) {
        log(`roll ${i.system}: ${step.board} (${k + 1}/${boards.length}): applying ${step.service}${step.apply ? ` (${step.apply})` : ""}`);
        // Always a new task: the checks after the step wait for one, and a node drained for a
        // roll must come back even when only its tasks (not its spec) were wrong.
        await applyService(d, spec, i.secretEnv, !!svc);
      }
      return new Set(tasks);
    });
    for (const c of step.after) await waitFor(run, c, step, rest, oldTasks);
    if (spec) await markMembers(i, [step.board]);
    log(`roll ${i.system}: ${step.board} done in ${Math.round((Date.now() - started) / 1000)}s`);
  }
  for (const c of plan.finally) await waitFor(run, c, { board: "all", service: "", before: [], actions: [], after: [] }, []);
  // Every node that stays is a member with its data now: a board read back without the mark later came back empty.
  await markMembers(i, i.nodes.map((n) => n.board));
  return applied(i);
}

export const serviceRollProvider: ServedProvider = {
  async check(olds: Partial<ServiceRollInputs>, news: ServiceRollInputs) {
    const failures = sshTargetFailures(news.manager, "manager");
    // The last run's inputs are the applied membership: refuse here, before any node is touched.
    if (Array.isArray(olds?.nodes) && Array.isArray(news.nodes)) {
      const prev = rollMembership(news.system, olds.nodes, olds.membership);
      for (const v of membershipRefusals(prev, rollMembership(news.system, news.nodes, news.membership))) {
        failures.push({ property: "nodes", reason: formatViolation(v) });
      }
    }
    for (const n of news.nodes ?? []) {
      if (typeof news.connections === "object" && !news.connections[n.board]) {
        failures.push({ property: "connections", reason: `board ${n.board}: field connections: no SSH target for a ${news.system} node` });
      }
    }
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: ServiceRollState, news: ServiceRollInputs) {
    const fields = appliedFields(olds);
    const live = olds.observed ?? applied({ specs: fields, secretEnv: olds.secretEnv });
    const lines: string[] = [];
    for (const n of news.nodes) {
      const was = fields[n.service];
      const o = live[n.service];
      if (!was) { lines.push(`${n.service}: new node`); continue; }
      for (const f of changedFields(was, fieldDigests(news.specs[n.service]))) lines.push(`${n.service}: field ${f} changes`);
      const drift = o ? recordedDrift(o, appliedSpec(olds, n.service)) : undefined;
      if (!drift) { lines.push(`drift: ${n.service}: service missing`); continue; }
      for (const f of drift) lines.push(`drift: ${n.service}: field ${f} differs from what deskcluster applied`);
      if (!o.running) lines.push(`drift: ${n.service}: field tasks: not running`);
    }
    const digest = news.secretEnv && typeof news.secretEnv === "object" ? digestEnv(news.secretEnv) : undefined;
    const present = Object.entries(live).filter(([name, o]) => fields[name] && recordedDrift(o, appliedSpec(olds, name)));
    if (present.some(([, o]) => o.secretDigest !== digest)) lines.push("drift: field secretEnv differs (values not shown)");
    for (const n of olds.nodes.filter((x) => !news.specs[x.service])) lines.push(`${n.service}: leaves the inventory`);
    for (const l of lines) log(`${l.startsWith("drift") ? "" : "change: "}roll ${news.system}: ${l}`);
    // A node's board reached another way (a reflashed board's new host key): read it again and converge.
    const rekeyed = news.nodes.filter((n) => olds.connections?.[n.board] && !sameTarget(olds.connections[n.board], news.connections?.[n.board]));
    for (const n of rekeyed) log(`change: roll ${news.system}: board ${n.board}: new SSH target or pinned host key`);
    const moved = rekeyed.length > 0 || JSON.stringify([olds.manager.host, olds.manager.hostKey, olds.nodes])
      !== JSON.stringify([news.manager.host, news.manager.hostKey, news.nodes]);
    const changes = lines.length > 0 || moved || olds.timeoutSeconds !== news.timeoutSeconds;
    return { changes, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: ServiceRollInputs) {
    return { id: `${inputs.system}-roll`, outs: rollState(inputs, await roll(inputs)) };
  },
  async update(_id: string, olds: ServiceRollState, news: ServiceRollInputs) {
    return { outs: rollState(news, await roll(news, olds)) };
  },
  restate(olds: ServiceRollState, news: ServiceRollInputs) {
    return rollState(news, olds.observed ? recordAll(olds.observed, olds.specs ?? news.specs) : applied(news));
  },
  async read(id: string, props: ServiceRollState, inputs?: Partial<ServiceRollInputs>) {
    // What was applied is the last inputs; older state has the specs in its outputs too.
    const specs = inputs?.specs ?? props.specs;
    if (!specs) throw new Error(`roll ${props.system}: read without its applied specs (no inputs from the engine)`);
    const live = await observeAll({ manager: props.manager, specs, secretEnv: inputs?.secretEnv ?? props.secretEnv });
    return { id, props: rollState({ ...props, specs }, recordAll(live, specs)) };
  },
  async delete(_id: string, props: ServiceRollState) {
    await withDocker(props.manager, async (d) => {
      for (const name of Object.keys(appliedFields(props))) await removeService(d, name);
    });
  },
};

export interface ServiceRollArgs {
  manager: pulumi.Input<BoardAddress>;
  system: RollSystem;
  nodes: RollNode[];
  specs: Record<string, Spec>;
  connections: pulumi.Input<Record<string, pulumi.Input<BoardAddress>>>;
  secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  timeoutSeconds?: number;
  membership?: RollMembershipContext;
  joinConfigs?: Record<string, string>;
  markers?: Record<string, string>;
  rebalance?: string[];
}

export class ServiceRoll extends pulumi.CustomResource {
  /** Each applied spec's field digests, as the state keeps them. */
  declare public readonly fields: pulumi.Output<Record<string, FieldDigests>>;
  constructor(name: string, args: ServiceRollArgs, opts?: pulumi.CustomResourceOptions) {
    const kind = args.system === "cassandra" ? "cassandraRoll" : "kafkaRoll";
    super(resourceTypes[kind], name, {
      manager: targetInput(args.manager), system: args.system, nodes: flatInput(args.nodes), specs: flatInput(args.specs),
      connections: targetsInput(args.connections), secretEnv: args.secretEnv === undefined ? undefined : pulumi.secret(args.secretEnv),
      timeoutSeconds: args.timeoutSeconds ?? 900, membership: flatInput(args.membership), observed: undefined, fields: undefined,
      joinConfigs: args.joinConfigs, markers: args.markers, rebalance: args.rebalance,
    }, withLegacyAlias(kind, opts, ["secretEnv"]));
  }
}

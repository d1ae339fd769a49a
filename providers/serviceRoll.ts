// ServiceRoll: the one effectful piece that changes a stateful system's services (Cassandra
// nodes, Kafka nodes). Its read asks the swarm for every node's live spec and tasks; its diff
// names what changed or drifted per node; its create and update carry out the pure rolling
// plan of model/rollPlan.ts one node at a time behind its checks, printing which node it rolls
// and what it waits for. A node that does not come back stops the roll with its board and the
// check it waited for; the nodes after it stay untouched (the next `pulumi up` resumes).
import * as pulumi from "@pulumi/pulumi";
import { RollMembershipContext, rollMembership } from "../model/membership";
import { membershipRefusals } from "../model/membershipChange";
import { checkScript, actionScript } from "../model/rollChecks";
import { Check, describeCheck, RollNode, rollPlan, RollStep, RollSystem } from "../model/rollPlan";
import { formatViolation } from "../model/violation";
import { withDocker } from "./dockerOverSsh";
import { applyService, differingPaths, digestEnv, inspectService, ObservedService, observeService, removeService, runningTasks, Spec } from "./serviceState";
import { runShared } from "./sshSession";
import { SshTarget, sshTargetFailures } from "./sshTarget";
import { providerUpgraded } from "./upgraded";

/** The engine types of the rolled sets (what the policy pack looks for). */
export const rollTypes = ["pulumi-nodejs:dynamic/deskcluster:CassandraRoll", "pulumi-nodejs:dynamic/deskcluster:KafkaRoll"];

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
}
type ServiceRollState = ServiceRollInputs & { observed?: Record<string, ObservedService> };

const log = (line: string) => console.error(line);
const pollMs = 3000;

const applied = (i: ServiceRollInputs): Record<string, ObservedService> => Object.fromEntries(Object.entries(i.specs).map(([name, spec]) =>
  [name, { spec, running: true, ...(i.secretEnv ? { secretDigest: digestEnv(i.secretEnv) } : {}) }]));

async function observeAll(i: ServiceRollInputs): Promise<Record<string, ObservedService>> {
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

async function activeController(i: ServiceRollInputs): Promise<number | undefined> {
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

async function roll(i: ServiceRollInputs, olds?: ServiceRollState): Promise<Record<string, ObservedService>> {
  const live = await observeAll(i);
  const changed = needsRoll(i, live);
  const existing = new Set(i.nodes.filter((n) => live[n.service]?.spec).map((n) => n.board));
  const facts = { existing, activeController: i.system === "kafka" && existing.size > 0 ? await activeController(i) : undefined };
  const plan = rollPlan(i.system, i.nodes, changed, facts);
  const boards = plan.steps.map((s) => s.board);
  if (boards.length > 0) {
    log(`roll ${i.system}: order ${boards.join(" -> ")}${facts.activeController ? ` (active controller ${facts.activeController} last)` : ""}`);
  }
  for (const [k, step] of plan.steps.entries()) {
    const rest = boards.slice(k + 1);
    const started = Date.now();
    for (const c of step.before) await waitFor(i, c, step, [step.board, ...rest]);
    for (const a of step.actions) {
      log(`roll ${i.system}: ${step.board}: ${a.kind}`);
      await runShared(i.connections[a.board], actionScript(a));
    }
    const oldTasks = await withDocker(i.manager, async (d) => {
      const svc = await inspectService(d, step.service);
      const tasks = svc ? (await runningTasks(d, svc.ID)).map((t) => t.id) : [];
      log(`roll ${i.system}: ${step.board} (${k + 1}/${boards.length}): applying ${step.service}`);
      // Always a new task: the checks after the step wait for one, and a node drained for a
      // roll must come back even when only its tasks (not its spec) were wrong.
      await applyService(d, i.specs[step.service], i.secretEnv, live[step.service]?.spec !== undefined);
      return new Set(tasks);
    });
    for (const c of step.after) await waitFor(i, c, step, rest, oldTasks);
    log(`roll ${i.system}: ${step.board} done in ${Math.round((Date.now() - started) / 1000)}s`);
  }
  for (const c of plan.finally) await waitFor(i, c, { board: "all", service: "", before: [], actions: [], after: [] }, []);
  // Nodes that left the inventory go last, once every remaining node runs its desired spec.
  const gone = (olds?.nodes ?? []).filter((n) => !i.specs[n.service]);
  for (const n of gone) {
    log(`roll ${i.system}: ${n.board} left the inventory: removing ${n.service}`);
    await withDocker(i.manager, (d) => removeService(d, n.service));
  }
  return applied(i);
}

export const serviceRollProvider: pulumi.dynamic.ResourceProvider = {
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
    const live = olds.observed ?? applied(olds);
    const lines: string[] = [];
    for (const n of news.nodes) {
      const was = olds.specs[n.service];
      const o = live[n.service];
      if (!was) { lines.push(`${n.service}: new node`); continue; }
      for (const f of differingPaths(was, news.specs[n.service])) lines.push(`${n.service}: field ${f} changes`);
      if (!o?.spec) { lines.push(`drift: ${n.service}: service missing`); continue; }
      for (const f of differingPaths(o.spec, was)) lines.push(`drift: ${n.service}: field ${f} differs from what deskcluster applied`);
      if (!o.running) lines.push(`drift: ${n.service}: field tasks: not running`);
    }
    const digest = news.secretEnv && typeof news.secretEnv === "object" ? digestEnv(news.secretEnv) : undefined;
    if (Object.values(live).some((o) => o.spec && o.secretDigest !== digest)) lines.push("drift: field secretEnv differs (values not shown)");
    for (const n of olds.nodes.filter((x) => !news.specs[x.service])) lines.push(`${n.service}: leaves the inventory`);
    for (const l of lines) log(`${l.startsWith("drift") ? "" : "change: "}roll ${news.system}: ${l}`);
    const moved = JSON.stringify([olds.manager.host, olds.manager.hostKey, olds.nodes])
      !== JSON.stringify([news.manager.host, news.manager.hostKey, news.nodes]);
    const changes = lines.length > 0 || moved || olds.timeoutSeconds !== news.timeoutSeconds || providerUpgraded(olds, news);
    return { changes, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: ServiceRollInputs) {
    return { id: `${inputs.system}-roll`, outs: { ...inputs, observed: await roll(inputs) } };
  },
  async update(_id: string, olds: ServiceRollState, news: ServiceRollInputs) {
    return { outs: { ...news, observed: await roll(news, olds) } };
  },
  async read(id: string, props: ServiceRollState) {
    return { id, props: { ...props, observed: await observeAll(props) } };
  },
  async delete(_id: string, props: ServiceRollInputs) {
    await withDocker(props.manager, async (d) => {
      for (const name of Object.keys(props.specs)) await removeService(d, name);
    });
  },
};

export interface ServiceRollArgs {
  manager: pulumi.Input<SshTarget>;
  system: RollSystem;
  nodes: RollNode[];
  specs: Record<string, Spec>;
  connections: pulumi.Input<Record<string, pulumi.Input<SshTarget>>>;
  secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  timeoutSeconds?: number;
  membership?: RollMembershipContext;
}

export class ServiceRoll extends pulumi.dynamic.Resource {
  declare public readonly specs: pulumi.Output<Record<string, Spec>>;
  constructor(name: string, args: ServiceRollArgs, opts?: pulumi.CustomResourceOptions) {
    super(serviceRollProvider, name, {
      manager: pulumi.secret(args.manager), system: args.system, nodes: args.nodes, specs: args.specs,
      connections: pulumi.secret(args.connections), secretEnv: args.secretEnv === undefined ? undefined : pulumi.secret(args.secretEnv),
      timeoutSeconds: args.timeoutSeconds ?? 900, membership: args.membership, observed: undefined,
    }, { ...opts, additionalSecretOutputs: ["manager", "connections", "secretEnv"] },
    "deskcluster", `${args.system[0].toUpperCase()}${args.system.slice(1)}Roll`);
  }
}

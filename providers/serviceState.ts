// A swarm service as the managers see it, in the shape of its desired spec: what the
// providers' reads return, their diffs compare and their updates converge. Shared by
// SwarmObject (one service) and ServiceRoll (a rolled set of services).
import type Dockerode from "dockerode";

export type Spec = Record<string, unknown> & { Name: string };

export interface ObservedService {
  /** The live spec projected onto the desired spec's fields (secret env vars removed). */
  readonly spec?: Record<string, unknown>;
  /** Digest of the secret env vars' live values, compared with the desired ones. */
  readonly secretDigest?: string;
  /** Whether its tasks that should run do run. */
  readonly running: boolean;
}

/**
 * What the state keeps of an observed service: not its live spec (a copy of the applied one, when all is well) but
 * the fields where it departs from the spec deskcluster applied. State written by 0.2 kept the live spec instead.
 */
export interface RecordedService {
  /** Dotted paths where the live spec differs from the applied one; absent when the service is missing. */
  readonly drift?: string[];
  readonly spec?: Record<string, unknown>;
  readonly secretDigest?: string;
  readonly running: boolean;
}

/** The record of a service as read (or as an older version stored it: 0.1 and 0.2 kept the live spec). */
export function recordService(o: ObservedService | RecordedService, applied: Spec): RecordedService {
  if ("drift" in o && o.drift) return o;
  return {
    ...(o.spec ? { drift: differingPaths(o.spec, applied) } : {}), running: o.running,
    ...(o.secretDigest !== undefined ? { secretDigest: o.secretDigest } : {}),
  };
}

/** What a freshly applied service is taken to be until the next read asks the swarm: no drift, running. */
export const appliedRecord = (secretEnv: Record<string, string> | undefined): RecordedService =>
  ({ drift: [], running: true, ...(secretEnv ? { secretDigest: digestEnv(secretEnv) } : {}) });

/** The recorded drift of a service, or undefined when the swarm does not have it. */
export function recordedDrift(o: RecordedService, applied: Spec): string[] | undefined {
  if (o.drift) return o.drift;
  return o.spec ? differingPaths(o.spec, applied) : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The live value restricted to what the desired value says: keys the desired spec does not
 * set are Docker's defaults, not drift; arrays are compared whole (an env var added by hand
 * is drift); an absent list is an empty one.
 */
export function projectOnto(live: unknown, desired: unknown): unknown {
  if (Array.isArray(desired)) {
    if (live === undefined || live === null) return desired.length === 0 ? [] : live;
    if (!Array.isArray(live)) return live;
    return live.map((x, i) => projectOnto(x, desired[i] ?? desired[0] ?? x));
  }
  if (isObject(desired)) {
    if (!isObject(live)) return live;
    return Object.fromEntries(Object.keys(desired).map((k) => [k, projectOnto(live[k], desired[k])]));
  }
  return live;
}

/** Dotted paths where the two differ, for messages that name the field. */
export function differingPaths(a: unknown, b: unknown, path = ""): string[] {
  if (isObject(a) && isObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => differingPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some((x) => isObject(x))) {
    return a.flatMap((x, i) => differingPaths(x, b[i], `${path}[${i}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || "(whole)"];
}

export function digestEnv(env: Record<string, string> | undefined): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return createHash("sha256").update(JSON.stringify(Object.entries(env ?? {}).sort())).digest("hex").slice(0, 16);
}

type ContainerSpec = { Env?: string[]; Configs?: { ConfigID?: string; ConfigName: string }[]; Secrets?: { SecretID?: string; SecretName: string }[] };
type TaskTemplate = { ContainerSpec: ContainerSpec; Networks?: { Target: string }[]; ForceUpdate?: number };
type Named = { ID: string; Spec: { Name: string } };
type Inspected = { ID: string; Version: { Index: number }; Spec: Spec & { TaskTemplate: TaskTemplate } };

export function withSecretEnv(spec: Spec, secretEnv?: Record<string, string>): Spec {
  if (!secretEnv) return spec;
  const task = spec.TaskTemplate as TaskTemplate;
  const env = [...(task.ContainerSpec.Env ?? []), ...Object.entries(secretEnv).map(([k, v]) => `${k}=${v}`)];
  return { ...spec, TaskTemplate: { ...task, ContainerSpec: { ...task.ContainerSpec, Env: env } } };
}

export async function inspectService(d: Dockerode, name: string): Promise<Inspected | undefined> {
  try {
    return (await d.getService(name).inspect()) as Inspected;
  } catch (err) {
    if (/\b404\b|not found|no such/i.test(String((err as Error).message))) return undefined;
    throw err;
  }
}

export async function runningTasks(d: Dockerode, serviceId: string): Promise<{ id: string; running: boolean; starting: boolean }[]> {
  const tasks = (await d.listTasks({ filters: JSON.stringify({ service: [serviceId], "desired-state": ["running"] }) } as never)) as unknown as
    { ID: string; Status: { State: string; Err?: string } }[];
  // The states a task passes through while the swarm itself brings it up (after a restart, or a board's engine coming
  // back). Inside the function: the provider's closure serializer cannot carry a module-level Set.
  const starting = ["new", "pending", "assigned", "accepted", "ready", "preparing", "starting"];
  // A task pending with an error ("no suitable node": its board is down) does not start by itself.
  return tasks.map((t) => ({ id: t.ID, running: t.Status.State === "running", starting: starting.includes(t.Status.State) && !t.Status.Err }));
}

/**
 * Whether the service's tasks run, once the swarm has settled: a task it is still starting, or one it has not yet
 * put back (a board's engine restarted: for a few seconds its task is gone, then a new one starts), is its own
 * convergence, not drift; calling it drift forced one more restart. A replicated service needs all its replicas.
 * A failed task, a task still starting after the wait, or one still missing after `putBackMs` is drift: a global
 * service whose only board is down has no task at all, and the swarm puts a task back within seconds.
 */
async function settledRunning(d: Dockerode, live: Inspected, waitMs: number, putBackMs = Math.min(waitMs, 20_000)): Promise<boolean> {
  const replicas = (live.Spec.Mode as { Replicated?: { Replicas?: number } } | undefined)?.Replicated?.Replicas ?? 1;
  const started = Date.now();
  for (;;) {
    const tasks = await runningTasks(d, live.ID);
    if (tasks.length >= replicas && tasks.every((t) => t.running)) return true;
    const late = Date.now() - started > (tasks.some((t) => t.starting) ? waitMs : putBackMs);
    if (tasks.some((t) => !t.running && !t.starting) || late) return false;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** The service as it runs, in the desired spec's shape; network ids are turned back into names. */
export async function observeService(d: Dockerode, desired: Spec, secretKeys: readonly string[] = [], settleMs = 60_000): Promise<ObservedService> {
  const live = await inspectService(d, desired.Name);
  if (!live) return { running: false };
  const task = live.Spec.TaskTemplate;
  // A service names the swarm's own id of a network ("host" has one too); ask for its name.
  const names = new Map<string, string>();
  for (const n of task.Networks ?? []) {
    try {
      names.set(n.Target, ((await d.getNetwork(n.Target).inspect()) as { Name: string }).Name);
    } catch { /* a network gone behind our back stays an id: drift */ }
  }
  const env = task.ContainerSpec.Env ?? [];
  const isSecret = (e: string) => secretKeys.includes(e.slice(0, e.indexOf("=")));
  const secretEnv = Object.fromEntries(env.filter(isSecret).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const normalized = {
    ...live.Spec,
    TaskTemplate: {
      ...task,
      ContainerSpec: { ...task.ContainerSpec, Env: env.filter((e) => !isSecret(e)) },
      ...(task.Networks ? { Networks: task.Networks.map((n) => ({ ...n, Target: names.get(n.Target) ?? n.Target })) } : {}),
    },
  };
  return {
    spec: projectOnto(normalized, desired) as Record<string, unknown>,
    running: await settledRunning(d, live, settleMs),
    ...(secretKeys.length > 0 ? { secretDigest: digestEnv(secretEnv) } : {}),
  };
}

function lookup(all: Named[], name: string, what: string, service: string): string {
  const found = all.find((x) => x.Spec.Name === name);
  if (!found) throw new Error(`service ${service}: ${what} ${name} does not exist on the swarm`);
  return found.ID;
}

// Specs name their configs and secrets only (so they are known at preview); ids are looked up here.
export async function resolveRefs(d: Dockerode, spec: Spec): Promise<Spec> {
  const task = spec.TaskTemplate as TaskTemplate | undefined;
  const configs = task?.ContainerSpec?.Configs ?? [];
  const secrets = task?.ContainerSpec?.Secrets ?? [];
  if (configs.every((c) => c.ConfigID) && secrets.every((c) => c.SecretID)) return spec;
  const allConfigs = configs.length > 0 ? ((await d.listConfigs()) as unknown as Named[]) : [];
  const allSecrets = secrets.length > 0 ? ((await d.listSecrets()) as unknown as Named[]) : [];
  const container = {
    ...task!.ContainerSpec,
    Configs: configs.map((c) => ({ ...c, ConfigID: c.ConfigID ?? lookup(allConfigs, c.ConfigName, "config", spec.Name) })),
    ...(secrets.length > 0 ? { Secrets: secrets.map((c) => ({ ...c, SecretID: c.SecretID ?? lookup(allSecrets, c.SecretName, "secret", spec.Name) })) } : {}),
  };
  return { ...spec, TaskTemplate: { ...task, ContainerSpec: container } };
}

/**
 * Creates the service, or updates it in place to the desired spec. `restart` forces new tasks
 * even when the spec is unchanged (a task that does not run). Returns the service id.
 */
export async function applyService(d: Dockerode, desired: Spec, secretEnv?: Record<string, string>, restart = false): Promise<string> {
  const spec = await resolveRefs(d, withSecretEnv(desired, secretEnv));
  const live = await inspectService(d, desired.Name);
  if (!live) return ((await d.createService(spec as never)) as unknown as { id: string }).id;
  const force = (live.Spec.TaskTemplate.ForceUpdate ?? 0) + (restart ? 1 : 0);
  const body = { ...spec, TaskTemplate: { ...(spec.TaskTemplate as object), ForceUpdate: force }, version: live.Version.Index };
  await d.getService(live.ID).update(body as never);
  return live.ID;
}

export async function removeService(d: Dockerode, name: string): Promise<void> {
  const live = await inspectService(d, name);
  if (live) await d.getService(live.ID).remove();
}

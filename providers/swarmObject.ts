// Swarm objects (services, configs, secrets, overlay networks) created through the Docker
// Engine API of a manager. Services update in place; configs, secrets and networks are
// immutable, so any change replaces them. `pulumi refresh` notices an object removed behind Pulumi's back.
import * as pulumi from "@pulumi/pulumi";
import { isNotFound, withDocker } from "./dockerOverSsh";
import { SshTarget, sshTargetFailures } from "./sshTarget";

export type SwarmObjectKind = "service" | "config" | "secret" | "network";
const typeName = (kind: SwarmObjectKind) => `Swarm${kind[0].toUpperCase()}${kind.slice(1)}`;
/** The engine type of a swarm object (what the policy pack looks for). */
export const swarmObjectType = (kind: SwarmObjectKind): string => `pulumi-nodejs:dynamic/deskcluster:${typeName(kind)}`;

export interface SwarmObjectInputs {
  manager: SshTarget;
  kind: SwarmObjectKind;
  /** The Docker Engine API body: ServiceSpec, ConfigSpec, SecretSpec or NetworkCreateRequest. */
  spec: Record<string, unknown> & { Name: string };
  /** Secret env vars (for example CLUSTER_ID), merged into the spec only on the way to the engine. */
  secretEnv?: Record<string, string>;
}

// Preview hands providers this sentinel for values not known yet.
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function engineSpec(i: SwarmObjectInputs): Record<string, unknown> {
  if (i.kind !== "service" || !i.secretEnv) return i.spec;
  const task = i.spec.TaskTemplate as { ContainerSpec: { Env?: string[] } };
  const env = [...(task.ContainerSpec.Env ?? []), ...Object.entries(i.secretEnv).map(([k, v]) => `${k}=${v}`)];
  return { ...i.spec, TaskTemplate: { ...task, ContainerSpec: { ...task.ContainerSpec, Env: env } } };
}
const sameDesired = (a: SwarmObjectInputs, b: SwarmObjectInputs) =>
  JSON.stringify([a.spec, a.secretEnv ?? null]) === JSON.stringify([b.spec, b.secretEnv ?? null]);

type Docker = Parameters<Parameters<typeof withDocker>[1]>[0];
type ConfigRef = { ConfigID?: string; ConfigName: string };
type SecretRef = { SecretID?: string; SecretName: string };
type Named = { ID: string; Spec: { Name: string } };

function lookup(all: Named[], name: string, what: string, service: unknown): string {
  const found = all.find((x) => x.Spec.Name === name);
  if (!found) throw new Error(`service ${String(service)}: ${what} ${name} does not exist on the swarm`);
  return found.ID;
}

// Specs name their configs and secrets only (so they are known at preview); ids are looked up here.
async function resolveConfigs(d: Docker, spec: Record<string, unknown>): Promise<Record<string, unknown>> {
  const task = spec.TaskTemplate as { ContainerSpec?: { Configs?: ConfigRef[]; Secrets?: SecretRef[] } } | undefined;
  const configs = task?.ContainerSpec?.Configs ?? [];
  const secrets = task?.ContainerSpec?.Secrets ?? [];
  if (configs.every((c) => c.ConfigID) && secrets.every((c) => c.SecretID)) return spec;
  const allConfigs = configs.length > 0 ? (await d.listConfigs()) as unknown as Named[] : [];
  const allSecrets = secrets.length > 0 ? (await d.listSecrets()) as unknown as Named[] : [];
  const container = {
    ...task!.ContainerSpec,
    Configs: configs.map((c) => ({ ...c, ConfigID: c.ConfigID ?? lookup(allConfigs, c.ConfigName, "config", spec.Name) })),
    ...(secrets.length > 0 ? { Secrets: secrets.map((c) => ({ ...c, SecretID: c.SecretID ?? lookup(allSecrets, c.SecretName, "secret", spec.Name) })) } : {}),
  };
  return { ...spec, TaskTemplate: { ...task, ContainerSpec: container } };
}

const handle = (d: Docker, kind: SwarmObjectKind, id: string) =>
  kind === "service" ? d.getService(id) : kind === "config" ? d.getConfig(id) : kind === "secret" ? d.getSecret(id) : d.getNetwork(id);

async function createObject(i: SwarmObjectInputs): Promise<string> {
  return withDocker(i.manager, async (d) => {
    const spec = (await resolveConfigs(d, engineSpec(i))) as never;
    if (i.kind === "service") return ((await d.createService(spec)) as unknown as { id: string }).id;
    if (i.kind === "config") return ((await d.createConfig(spec)) as unknown as { id: string }).id;
    if (i.kind === "secret") return ((await d.createSecret(spec)) as unknown as { id: string }).id;
    return (await d.createNetwork(spec)).id;
  });
}

async function removeObject(i: SwarmObjectInputs, id: string): Promise<void> {
  await withDocker(i.manager, async (d) => {
    const obj = handle(d, i.kind, id);
    try {
      await obj.remove();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  });
}

export const swarmObjectProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: SwarmObjectInputs, news: SwarmObjectInputs) {
    const failures = sshTargetFailures(news.manager, "manager");
    if (news.spec !== (unknown as never) && !news.spec?.Name) failures.push({ property: "spec", reason: `${news.kind}: field spec.Name: missing` });
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: SwarmObjectInputs, news: SwarmObjectInputs) {
    const specChanged = !sameDesired(olds, news);
    const moved = olds.manager.host !== news.manager.host;
    const immutable = news.kind !== "service" || olds.spec.Name !== news.spec.Name;
    const rekeyed = olds.manager.privateKey !== news.manager.privateKey || olds.manager.hostKey !== news.manager.hostKey || moved;
    return { changes: specChanged || rekeyed, replaces: specChanged && immutable ? ["spec"] : [], deleteBeforeReplace: news.kind === "network" || news.kind === "secret" };
  },
  async create(inputs: SwarmObjectInputs) {
    return { id: await createObject(inputs), outs: inputs };
  },
  async update(id: string, olds: SwarmObjectInputs, news: SwarmObjectInputs) {
    if (!sameDesired(olds, news)) {
      await withDocker(news.manager, async (d) => {
        const svc = d.getService(id);
        const current = (await svc.inspect()) as { Version: { Index: number } };
        await svc.update({ ...(await resolveConfigs(d, engineSpec(news))), version: current.Version.Index } as never);
      });
    }
    return { outs: news };
  },
  async delete(id: string, props: SwarmObjectInputs) {
    await removeObject(props, id);
  },
  async read(id: string, props: SwarmObjectInputs) {
    const exists = await withDocker(props.manager, async (d) => {
      const obj = handle(d, props.kind, id);
      try {
        await obj.inspect();
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    });
    return exists ? { id, props } : { id: "", props: {} };
  },
};

export interface SwarmObjectArgs {
  manager: pulumi.Input<SshTarget>;
  kind: SwarmObjectKind;
  spec: pulumi.Input<Record<string, unknown> & { Name: string }>;
  secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Config data with secrets stays encrypted in state. */
  secretSpec?: boolean;
}

export class SwarmObject extends pulumi.dynamic.Resource {
  declare public readonly kind: pulumi.Output<SwarmObjectKind>;
  declare public readonly spec: pulumi.Output<Record<string, unknown>>;
  constructor(name: string, args: SwarmObjectArgs, opts?: pulumi.CustomResourceOptions) {
    const secretSpec = args.secretSpec || args.kind === "secret";
    const secrets = ["manager", "secretEnv", ...(secretSpec ? ["spec"] : [])];
    const secretEnv = args.secretEnv === undefined ? undefined : pulumi.secret(args.secretEnv);
    const spec = secretSpec ? pulumi.secret(args.spec) : args.spec;
    super(swarmObjectProvider, name, { manager: pulumi.secret(args.manager), kind: args.kind, spec, secretEnv }, {
      ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets],
    }, "deskcluster", typeName(args.kind));
  }
}

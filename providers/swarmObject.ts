// Swarm objects (services, configs, overlay networks) created through the Docker Engine API
// of a manager. Services update in place; configs and networks are immutable, so any change
// replaces them. `pulumi refresh` notices an object removed behind Pulumi's back.
import * as pulumi from "@pulumi/pulumi";
import { isNotFound, withDocker } from "./dockerOverSsh";
import { SshTarget, sshTargetFailures } from "./sshTarget";

export type SwarmObjectKind = "service" | "config" | "network";
const typeName = (kind: SwarmObjectKind) => `Swarm${kind[0].toUpperCase()}${kind.slice(1)}`;
/** The engine type of a swarm object (what the policy pack looks for). */
export const swarmObjectType = (kind: SwarmObjectKind): string => `pulumi-nodejs:dynamic/deskcluster:${typeName(kind)}`;

export interface SwarmObjectInputs {
  manager: SshTarget;
  kind: SwarmObjectKind;
  /** The Docker Engine API body: ServiceSpec, ConfigSpec or NetworkCreateRequest. */
  spec: Record<string, unknown> & { Name: string };
}

async function createObject(i: SwarmObjectInputs): Promise<string> {
  return withDocker(i.manager, async (d) => {
    if (i.kind === "service") return ((await d.createService(i.spec as never)) as unknown as { id: string }).id;
    if (i.kind === "config") return ((await d.createConfig(i.spec as never)) as unknown as { id: string }).id;
    return (await d.createNetwork(i.spec as never)).id;
  });
}

async function removeObject(i: SwarmObjectInputs, id: string): Promise<void> {
  await withDocker(i.manager, async (d) => {
    const obj = i.kind === "service" ? d.getService(id) : i.kind === "config" ? d.getConfig(id) : d.getNetwork(id);
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
    if (!news.spec?.Name) failures.push({ property: "spec", reason: `${news.kind}: field spec.Name: missing` });
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: SwarmObjectInputs, news: SwarmObjectInputs) {
    const specChanged = JSON.stringify(olds.spec) !== JSON.stringify(news.spec);
    const moved = olds.manager.host !== news.manager.host;
    const immutable = news.kind !== "service" || olds.spec.Name !== news.spec.Name;
    const rekeyed = olds.manager.privateKey !== news.manager.privateKey || olds.manager.hostKey !== news.manager.hostKey || moved;
    return { changes: specChanged || rekeyed, replaces: specChanged && immutable ? ["spec"] : [], deleteBeforeReplace: news.kind === "network" };
  },
  async create(inputs: SwarmObjectInputs) {
    return { id: await createObject(inputs), outs: inputs };
  },
  async update(id: string, olds: SwarmObjectInputs, news: SwarmObjectInputs) {
    if (JSON.stringify(olds.spec) !== JSON.stringify(news.spec)) {
      await withDocker(news.manager, async (d) => {
        const svc = d.getService(id);
        const current = (await svc.inspect()) as { Version: { Index: number } };
        await svc.update({ ...news.spec, version: current.Version.Index } as never);
      });
    }
    return { outs: news };
  },
  async delete(id: string, props: SwarmObjectInputs) {
    await removeObject(props, id);
  },
  async read(id: string, props: SwarmObjectInputs) {
    const exists = await withDocker(props.manager, async (d) => {
      const obj = props.kind === "service" ? d.getService(id) : props.kind === "config" ? d.getConfig(id) : d.getNetwork(id);
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
  /** Config data and env with secrets stay encrypted in state. */
  secretSpec?: boolean;
}

export class SwarmObject extends pulumi.dynamic.Resource {
  declare public readonly kind: pulumi.Output<SwarmObjectKind>;
  declare public readonly spec: pulumi.Output<Record<string, unknown>>;
  constructor(name: string, args: SwarmObjectArgs, opts?: pulumi.CustomResourceOptions) {
    const secrets = ["manager", ...(args.secretSpec ? ["spec"] : [])];
    super(swarmObjectProvider, name, { manager: pulumi.secret(args.manager), kind: args.kind, spec: args.spec }, {
      ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets],
    }, "deskcluster", typeName(args.kind));
  }
}

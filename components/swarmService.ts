// A swarm service pinned to one board, created through the swarm manager's Docker API.
import * as pulumi from "@pulumi/pulumi";
import { PinnedServiceSpecArgs, pinnedServiceSpec } from "../model/swarmServiceSpec";
import { SshTarget } from "../providers/sshTarget";
import { SwarmObject } from "../providers/swarmObject";

export type PinnedServiceArgs = Omit<PinnedServiceSpecArgs, "env" | "configs"> & {
  readonly manager: pulumi.Input<SshTarget>;
  readonly env: pulumi.Input<Record<string, string>>;
  readonly configs?: pulumi.Input<PinnedServiceSpecArgs["configs"]>;
  /** Env carries a secret (for example CLUSTER_ID): keep the spec encrypted in state. */
  readonly secretEnv?: boolean;
};

export function pinnedService(resourceName: string, args: PinnedServiceArgs, opts: pulumi.CustomResourceOptions): SwarmObject {
  const { manager, secretEnv, ...rest } = args;
  const spec = pulumi.all([rest.env, rest.configs]).apply(([env, configs]) => pinnedServiceSpec({ ...rest, env, configs }));
  return new SwarmObject(resourceName, { manager, kind: "service", spec, secretSpec: secretEnv }, opts);
}

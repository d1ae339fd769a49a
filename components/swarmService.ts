// A swarm service pinned to one board, created through the swarm manager's Docker API.
import * as pulumi from "@pulumi/pulumi";
import { PinnedServiceSpecArgs, pinnedServiceSpec } from "../model/swarmServiceSpec";
import { BoardAddress } from "../providers/sshTarget";
import { SwarmObject } from "../providers/swarmObject";

export type PinnedServiceArgs = PinnedServiceSpecArgs & {
  readonly manager: pulumi.Input<BoardAddress>;
  /** Env vars that are secrets (for example CLUSTER_ID): kept out of the readable spec. */
  readonly secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
};

export function pinnedService(resourceName: string, args: PinnedServiceArgs, opts: pulumi.CustomResourceOptions): SwarmObject {
  const { manager, secretEnv, ...rest } = args;
  return new SwarmObject(resourceName, { manager, kind: "service", spec: pinnedServiceSpec(rest), secretEnv }, opts);
}

// The shape every deskcluster swarm service shares: pinned to one board, host network
// (stable per-node addresses for gossip and listeners), a memory limit from the budget.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface PinnedServiceArgs {
  readonly name: string;
  readonly board: string;
  readonly image: string;
  readonly env: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly memoryMb: number;
  readonly mounts?: docker.types.input.ServiceTaskSpecContainerSpecMount[];
  readonly configs?: docker.types.input.ServiceTaskSpecContainerSpecConfig[];
  readonly labels?: Record<string, string>;
}

export const mib = (mb: number): number => mb * 1024 * 1024;

export function pinnedService(args: PinnedServiceArgs, opts: pulumi.CustomResourceOptions): docker.Service {
  return new docker.Service(args.name, {
    name: args.name,
    labels: Object.entries({ "deskcluster.board": args.board, ...args.labels }).map(([label, value]) => ({ label, value })),
    taskSpec: {
      containerSpec: { image: args.image, env: args.env, mounts: args.mounts, configs: args.configs, stopGracePeriod: "60s" },
      networksAdvanceds: [{ name: "host" }],
      placement: { constraints: [`node.hostname==${args.board}`] },
      resources: { limits: { memoryBytes: mib(args.memoryMb) } },
      restartPolicy: { condition: "any", delay: "10s" },
    },
    mode: { replicated: { replicas: 1 } },
    endpointSpec: { mode: "dnsrr" },
    updateConfig: { order: "stop-first", failureAction: "pause" },
  }, opts);
}

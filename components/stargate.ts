// Stargate: a coordinator per stargate board joining the ring as a non-token member, and its
// GraphQL API published the way the inventory says (ingress/VIP on a desk, host/dnsrr in the lab).
import * as remote from "@pulumi/command/remote";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlan } from "../model/clusterPlan";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { httpWaitScript } from "../model/serviceScripts";
import { stargatePorts } from "../model/stargateConfig";
import { Board } from "./board";
import { mib, pinnedService } from "./swarmService";

export interface StargateArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly provider: docker.Provider;
  readonly network: docker.Network;
  readonly ring: pulumi.Resource;
}

export class Stargate extends pulumi.ComponentResource {
  public readonly graphqlUrls: string[];

  constructor(name: string, args: StargateArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan } = args;
    super("deskcluster:index:Stargate", name, { boards: plan.stargate.map((s) => s.board) }, opts);
    const inv = plan.inventory;
    const sg = inv.services.stargate!;
    for (const node of plan.stargate) {
      const board = boardByName(inv, node.board);
      const coordinator = pinnedService({
        name: `stargate-${node.board}`, board: node.board, image: sg.coordinator.image, env: node.coordinatorEnv,
        memoryMb: serviceSizing(inv, board, "stargate-coordinator").memoryMb,
      }, { parent: this, provider: args.provider, dependsOn: [args.ring] });
      const ready = new remote.Command(`${name}-${node.board}-ready`, {
        connection: args.boards[node.board].connection,
        create: httpWaitScript(`http://${node.address}:${stargatePorts.health}/checker/readiness`, `stargate coordinator on ${node.board}`),
        triggers: [coordinator.id],
      }, { parent: this, dependsOn: [coordinator], customTimeouts: { create: "15m" } });
      new docker.Service(`${name}-${node.board}-graphql`, {
        name: `stargate-graphql-${node.board}`,
        taskSpec: {
          containerSpec: { image: sg.graphql.image, env: node.graphqlEnv },
          networksAdvanceds: [{ name: args.network.name }],
          placement: { constraints: [`node.hostname==${node.board}`] },
          resources: { limits: { memoryBytes: mib(serviceSizing(inv, board, "stargate-graphql").memoryMb) } },
          restartPolicy: { condition: "any", delay: "10s" },
        },
        mode: { replicated: { replicas: 1 } },
        endpointSpec: {
          mode: inv.swarm.endpointMode,
          ports: [{ targetPort: stargatePorts.graphql, publishedPort: stargatePorts.graphql, publishMode: inv.swarm.publishMode }],
        },
      }, { parent: this, provider: args.provider, dependsOn: [ready] });
    }
    this.graphqlUrls = plan.stargate.map((s) => `http://${s.address}:${stargatePorts.graphql}/graphql`);
    this.registerOutputs({ graphqlUrls: this.graphqlUrls });
  }
}

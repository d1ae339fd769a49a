// Stargate: a coordinator per stargate board joining the ring as a non-token member, and its
// GraphQL API published the way the inventory says (VIP/ingress on a desk, dnsrr/host in the lab).
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlan } from "../model/clusterPlan";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { serviceName } from "../model/serviceNames";
import { httpWaitScript } from "../model/serviceScripts";
import { stargatePorts } from "../model/stargateConfig";
import { RemoteCommand } from "../providers/remoteCommand";
import { Board } from "./board";
import { Swarm } from "./swarm";
import { pinnedService } from "./swarmService";

export interface StargateArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly swarm: Swarm;
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
      const coordinator = pinnedService(`${name}-${node.board}`, {
        manager: args.swarm.manager, name: serviceName("stargate-coordinator", node.board), board: node.board, image: sg.coordinator.image,
        env: node.coordinatorEnv, memoryMb: serviceSizing(inv, board, "stargate-coordinator").memoryMb,
        network: "host", endpointMode: "dnsrr",
      }, { parent: this, dependsOn: [args.ring] });
      const ready = new RemoteCommand(`${name}-${node.board}-ready`, {
        connection: args.boards[node.board].connection,
        create: httpWaitScript(`http://${node.address}:${stargatePorts.health}/checker/readiness`, `stargate coordinator on ${node.board}`),
        triggers: [coordinator.id, coordinator.desiredSpec],
      }, { parent: this, dependsOn: [coordinator] });
      pinnedService(`${name}-${node.board}-graphql`, {
        manager: args.swarm.manager, name: serviceName("stargate-graphql", node.board), board: node.board, image: sg.graphql.image,
        env: node.graphqlEnv, memoryMb: serviceSizing(inv, board, "stargate-graphql").memoryMb,
        network: args.swarm.networkName, endpointMode: inv.swarm.endpointMode,
        ports: [{ target: stargatePorts.graphql, published: stargatePorts.graphql, mode: inv.swarm.publishMode }],
      }, { parent: this, dependsOn: [ready, args.swarm.network] });
    }
    this.graphqlUrls = plan.stargate.map((s) => `http://${s.address}:${stargatePorts.graphql}/graphql`);
    this.registerOutputs({ graphqlUrls: this.graphqlUrls });
  }
}

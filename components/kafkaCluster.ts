// KafkaCluster: KRaft nodes with ids from the ledger, a CLUSTER_ID generated once and
// protected, data on the board's storage, broker.rack from the inventory.
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlan } from "../model/clusterPlan";
import { kafkaDataPath } from "../model/kafkaConfig";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { kafkaWaitReadyScript } from "../model/serviceScripts";
import { ClusterId } from "../providers/clusterId";
import { RemoteCommand } from "../providers/remoteCommand";
import { Board } from "./board";
import { SwarmObject } from "../providers/swarmObject";
import { KafkaIdentity } from "./kafkaIdentity";
import { Swarm } from "./swarm";
import { pinnedService } from "./swarmService";

export interface KafkaClusterArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly swarm: Swarm;
}

export class KafkaCluster extends pulumi.ComponentResource {
  public readonly bootstrapServers: string[];
  public readonly clusterId: pulumi.Output<string>;
  public readonly services: SwarmObject[];
  /** Done when every broker serves clients: what topic creation depends on. */
  public readonly ready: RemoteCommand;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan } = args;
    super("deskcluster:index:KafkaCluster", name, { voters: plan.kafka.voters, bootstrap: plan.kafka.bootstrap }, opts);
    const inv = plan.inventory;
    const id = new ClusterId(`${name}-cluster-id`, { parent: this, protect: true });
    this.clusterId = pulumi.secret(id.clusterId);
    this.services = plan.kafka.nodes.map((node) => {
      const board = boardByName(inv, node.board);
      const identity = new KafkaIdentity(`${name}-${node.board}-identity`, { board: node.board, nodeId: node.nodeId!, rack: node.rack }, { parent: this });
      return pinnedService(`${name}-${node.board}`, {
        manager: args.swarm.manager, name: `kafka-${node.board}`, board: node.board, image: inv.services.kafka.image,
        env: node.env, secretEnv: { CLUSTER_ID: this.clusterId },
        memoryMb: serviceSizing(inv, board, "kafka").memoryMb, network: "host", endpointMode: "dnsrr",
        mounts: [{ source: `${board.storage.dataDir}/kafka`, target: kafkaDataPath }],
        labels: { "deskcluster.rack": node.rack, "deskcluster.kafka.node-id": String(node.nodeId) },
      }, { parent: this, dependsOn: [args.swarm, identity] });
    });
    const first = plan.kafka.nodes.find((n) => n.processRoles.includes("broker"))!;
    this.ready = new RemoteCommand(`${name}-ready`, {
      connection: args.boards[first.board].connection,
      create: kafkaWaitReadyScript(`kafka-${first.board}`, plan.kafka.bootstrap[0], plan.kafka.bootstrap.length),
      triggers: this.services.map((s) => s.spec),
    }, { parent: this, dependsOn: this.services });
    this.bootstrapServers = plan.kafka.bootstrap;
    this.registerOutputs({ bootstrapServers: this.bootstrapServers, clusterId: this.clusterId });
  }
}

// KafkaCluster: KRaft nodes with ids from the ledger, a CLUSTER_ID generated once and
// protected, data on the board's storage, broker.rack from the inventory.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterPlan } from "../model/clusterPlan";
import { kafkaDataPath } from "../model/kafkaConfig";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { KafkaIdentity } from "./kafkaIdentity";
import { pinnedService } from "./swarmService";

export interface KafkaClusterArgs {
  readonly plan: ClusterPlan;
  readonly provider: docker.Provider;
  readonly swarm: pulumi.Resource;
}

export class KafkaCluster extends pulumi.ComponentResource {
  public readonly bootstrapServers: string[];
  public readonly clusterId: pulumi.Output<string>;
  public readonly services: docker.Service[];

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan } = args;
    super("deskcluster:index:KafkaCluster", name, { voters: plan.kafka.voters, bootstrap: plan.kafka.bootstrap }, opts);
    const inv = plan.inventory;
    // 16 random bytes, base64url without padding: the form `kafka-storage random-uuid` prints.
    const id = new random.RandomId(`${name}-cluster-id`, { byteLength: 16 }, { parent: this, protect: true, additionalSecretOutputs: ["b64Url", "b64Std", "hex", "dec", "id"] });
    this.clusterId = pulumi.secret(id.b64Url);
    this.services = plan.kafka.nodes.map((node) => {
      const board = boardByName(inv, node.board);
      const identity = new KafkaIdentity(`${name}-${node.board}-identity`, { board: node.board, nodeId: node.nodeId!, rack: node.rack }, { parent: this });
      return pinnedService({
        name: `kafka-${node.board}`, board: node.board, image: inv.services.kafka.image,
        env: pulumi.all([this.clusterId, identity.nodeId]).apply(([clusterId]) => ({ ...node.env, CLUSTER_ID: clusterId })),
        memoryMb: serviceSizing(inv, board, "kafka").memoryMb,
        mounts: [{ type: "bind", source: `${board.storage.dataDir}/kafka`, target: kafkaDataPath }],
        labels: { "deskcluster.rack": node.rack, "deskcluster.kafka.node-id": String(node.nodeId) },
      }, { parent: this, provider: args.provider, dependsOn: [args.swarm, identity] });
    });
    this.bootstrapServers = plan.kafka.bootstrap;
    this.registerOutputs({ bootstrapServers: this.bootstrapServers, clusterId: this.clusterId });
  }
}

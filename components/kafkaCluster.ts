// KafkaCluster: KRaft nodes with ids from the ledger, a CLUSTER_ID generated once and
// protected, data on the board's storage, broker.rack from the inventory. Every change to the
// nodes goes through one ServiceRoll (one node at a time, brokers first, the active controller
// last, never with a partition under-replicated: model/rollPlan.ts).
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlan } from "../model/clusterPlan";
import { kafkaDataPath } from "../model/kafkaConfig";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { topicReplication } from "../model/replication";
import { kafkaRollNodes } from "../model/rollNodes";
import { kafkaWaitReadyScript } from "../model/serviceScripts";
import { serviceName } from "../model/serviceNames";
import { pinnedServiceSpec } from "../model/swarmServiceSpec";
import { ClusterId } from "../providers/clusterId";
import { RemoteCommand } from "../providers/remoteCommand";
import { ServiceRoll } from "../providers/serviceRoll";
import { Board } from "./board";
import { KafkaIdentity } from "../providers/kafkaIdentity";
import { Swarm } from "./swarm";

export interface KafkaClusterArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly swarm: Swarm;
}

export class KafkaCluster extends pulumi.ComponentResource {
  public readonly bootstrapServers: string[];
  public readonly clusterId: pulumi.Output<string>;
  /** The rolled set of Kafka services. */
  public readonly nodes: ServiceRoll;
  /** Done when every broker serves clients: what topic creation depends on. */
  public readonly ready: RemoteCommand;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan } = args;
    super("deskcluster:index:KafkaCluster", name, { voters: plan.kafka.voters, bootstrap: plan.kafka.bootstrap }, opts);
    const inv = plan.inventory;
    const id = new ClusterId(`${name}-cluster-id`, { parent: this, protect: true });
    this.clusterId = pulumi.secret(id.clusterId);
    const identities: KafkaIdentity[] = [];
    const nodes = kafkaRollNodes(plan);
    const specs: Record<string, ReturnType<typeof pinnedServiceSpec>> = {};
    for (const node of plan.kafka.nodes) {
      const board = boardByName(inv, node.board);
      identities.push(new KafkaIdentity(`${name}-${node.board}-identity`, { board: node.board, nodeId: node.nodeId!, rack: node.rack }, { parent: this }));
      const service = serviceName("kafka", node.board);
      specs[service] = pinnedServiceSpec({
        name: service, board: node.board, image: inv.services.kafka.image, env: node.env,
        memoryMb: serviceSizing(inv, board, "kafka").memoryMb, network: "host", endpointMode: "dnsrr",
        mounts: [{ source: `${board.storage.dataDir}/kafka`, target: kafkaDataPath }],
        labels: { "deskcluster.rack": node.rack, "deskcluster.kafka.node-id": String(node.nodeId) },
        stopGraceSeconds: 90,
      });
    }
    const connections = Object.fromEntries(plan.kafka.nodes.map((n) => [n.board, args.boards[n.board].connection]));
    this.nodes = new ServiceRoll(`${name}-nodes`, {
      manager: args.swarm.manager, system: "kafka", nodes, specs, connections, secretEnv: { CLUSTER_ID: this.clusterId },
      // The swarm's managers ride here: the membership rules see both quorums in one check.
      membership: { replication: topicReplication(inv), swarmManagers: plan.swarm.managers },
      ...(inv.services.kafka.rebalance ? { rebalance: Object.keys(topicReplication(inv)).filter((t) => !t.startsWith("__")) } : {}),
    }, { parent: this, dependsOn: [args.swarm.ready, ...identities] });
    const first = plan.kafka.nodes.find((n) => n.processRoles.includes("broker"))!;
    this.ready = new RemoteCommand(`${name}-ready`, {
      connection: args.boards[first.board].connection, what: "kafka brokers ready",
      create: kafkaWaitReadyScript(serviceName("kafka", first.board), plan.kafka.bootstrap[0], plan.kafka.bootstrap.length),
      // The specs the roll applies (it runs first): a new one re-runs this wait, known already at preview.
      triggers: [specs],
    }, { parent: this, dependsOn: [this.nodes] });
    this.bootstrapServers = plan.kafka.bootstrap;
    this.registerOutputs({ bootstrapServers: this.bootstrapServers, clusterId: this.clusterId });
  }
}

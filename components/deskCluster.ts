// DeskCluster: the whole graph for one inventory. It validates first (nothing is touched
// when a rule fails), derives the plan, and wires boards -> swarm -> Cassandra -> Kafka -> Stargate.
import * as pulumi from "@pulumi/pulumi";
import { planCluster } from "../model/clusterPlan";
import { gatewayBoards } from "../model/gatewayConfig";
import { Inventory } from "../model/inventory";
import { checkInventory } from "../model/rules";
import { InventoryRules } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { flatInput } from "../providers/flatProps";
import { Board } from "./board";
import { CassandraRing } from "./cassandraRing";
import { GraphqlGateway } from "./graphqlGateway";
import { HealthPipeline } from "./healthPipeline";
import { SshCredentials } from "./connection";
import { KafkaCluster } from "./kafkaCluster";
import { Stargate } from "./stargate";
import { Swarm } from "./swarm";

export interface DeskClusterArgs {
  readonly inventory: Inventory;
  readonly ssh: SshCredentials;
  readonly cassandraSuperuserPassword: pulumi.Input<string>;
  /** What the inventory must pass before anything is registered; every rule unless a caller says otherwise. */
  readonly rules?: InventoryRules;
}

export class DeskCluster extends pulumi.ComponentResource {
  public readonly boards: Record<string, Board>;
  public readonly swarm: Swarm;
  public readonly cassandra: CassandraRing;
  public readonly kafka: KafkaCluster;
  public readonly stargate?: Stargate;
  public readonly health?: HealthPipeline;
  public readonly gateway?: GraphqlGateway;

  constructor(name: string, args: DeskClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const violations = (args.rules ?? checkInventory)(args.inventory);
    if (violations.length > 0) {
      throw new Error(`inventory refused, nothing was changed:\n${violations.map((v) => `  ${formatViolation(v)}`).join("\n")}`);
    }
    super("deskcluster:index:DeskCluster", name, { inventory: args.inventory }, opts);
    const plan = planCluster(args.inventory);
    const inv = plan.inventory;
    const addresses = plan.boards.map((b) => b.address);
    this.boards = Object.fromEntries(plan.boards.map((b) => [b.name, new Board(b.name, {
      plan: b, ssh: args.ssh, peers: addresses.filter((a) => a !== b.address),
    }, { parent: this })]));
    // Each swarm step depends on its own board only: a plan stays linear in boards.
    this.swarm = new Swarm("swarm", {
      plan: plan.swarm, boards: this.boards, overlayNetwork: inv.swarm.overlayNetwork,
    }, { parent: this });
    this.cassandra = new CassandraRing("cassandra", {
      plan, boards: this.boards, swarm: this.swarm,
      superuserPassword: args.cassandraSuperuserPassword,
    }, { parent: this });
    this.kafka = new KafkaCluster("kafka", { plan, boards: this.boards, swarm: this.swarm }, { parent: this });
    if (plan.stargate.length > 0) {
      this.stargate = new Stargate("stargate", {
        plan, boards: this.boards, swarm: this.swarm, ring: this.cassandra,
      }, { parent: this });
    }
    if (inv.services.health && inv.boards.some((b) => b.roles.includes("health-agent") || b.roles.includes("health-sink"))) {
      this.health = new HealthPipeline("health", {
        plan, boards: this.boards, swarm: this.swarm, kafka: [this.kafka.ready], ring: this.cassandra.readyResource,
        superuserPassword: args.cassandraSuperuserPassword,
      }, { parent: this });
    }
    if (gatewayBoards(inv).length > 0) {
      this.gateway = new GraphqlGateway("gateway", {
        plan, boards: this.boards, swarm: this.swarm, ring: this.cassandra.readyResource, superuserPassword: args.cassandraSuperuserPassword,
      }, { parent: this });
    }
    // The inventory is also an output (one JSON string, flatProps.ts): the policy pack checks the very data the graph came from.
    this.registerOutputs({
      inventory: flatInput(args.inventory),
      cassandraContactPoints: this.cassandra.contactPoints,
      kafkaBootstrapServers: this.kafka.bootstrapServers,
      graphqlUrls: this.stargate?.graphqlUrls ?? [],
      gatewayUrls: this.gateway?.graphqlUrls ?? [],
      healthTable: this.health?.table,
    });
  }
}

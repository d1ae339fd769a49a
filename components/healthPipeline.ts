// HealthPipeline: every health-agent board streams its vitals into the health topic; the
// sink writes them into Cassandra. Topic and table are declared here (idempotent commands);
// the password reaches the sink as a swarm secret file, never as an env var.
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlan } from "../model/clusterPlan";
import { agentEnv, healthOf, healthSchemaCql, healthTopicScript, hostRoot, sinkEnv } from "../model/healthConfig";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { hostAddress } from "../model/network";
import { boardsWithRole, byName } from "../model/placement";
import { serviceName } from "../model/serviceNames";
import { cqlScript } from "../model/serviceScripts";
import { globalServiceSpec } from "../model/swarmServiceSpec";
import { RemoteCommand } from "../providers/remoteCommand";
import { SwarmObject } from "../providers/swarmObject";
import { Board } from "./board";
import { Swarm } from "./swarm";
import { pinnedService } from "./swarmService";

export interface HealthPipelineArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly swarm: Swarm;
  /** The Kafka services and the ready Cassandra ring the pipeline writes through. */
  readonly kafka: pulumi.Resource[];
  readonly ring: pulumi.Resource;
  readonly superuserPassword: pulumi.Input<string>;
}

/** The uid the health image runs as (health/image/Dockerfile). */
const healthUid = "10001";
const passwordSecret = "deskcluster-cassandra-password";

export class HealthPipeline extends pulumi.ComponentResource {
  public readonly topic: string;
  public readonly table: string;

  constructor(name: string, args: HealthPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    const inv = args.plan.inventory;
    const h = healthOf(inv);
    const agents = boardsWithRole(inv, "health-agent").sort(byName);
    const sinks = boardsWithRole(inv, "health-sink").sort(byName);
    super("deskcluster:index:HealthPipeline", name, { agents: agents.map((b) => b.name), sinks: sinks.map((b) => b.name), topic: h.topic }, opts);
    const broker = args.plan.kafka.nodes.find((n) => n.processRoles.includes("broker"))!;
    const cassandra = args.plan.cassandra.nodes[0];

    const topic = new RemoteCommand(`${name}-topic`, {
      connection: args.boards[broker.board].connection, what: "health topic", create: healthTopicScript(inv, serviceName("kafka", broker.board)),
    }, { parent: this, dependsOn: args.kafka });
    const schema = new RemoteCommand(`${name}-schema`, {
      connection: args.boards[cassandra.board].connection,
      what: "health schema", create: cqlScript(serviceName("cassandra", cassandra.board), cassandra.address, healthSchemaCql(inv)),
      stdin: pulumi.interpolate`${args.superuserPassword}\n`,
    }, { parent: this, dependsOn: [args.ring] });
    const secret = new SwarmObject(`${name}-cassandra-password`, {
      manager: args.swarm.manager, kind: "secret",
      spec: pulumi.output(args.superuserPassword).apply((pw) => ({
        Name: passwordSecret, Data: Buffer.from(pw).toString("base64"), Labels: { "deskcluster.secret": "cassandra-password" },
      })),
    }, { parent: this, dependsOn: [args.swarm.ready] });

    for (const b of sinks) {
      pinnedService(`${name}-sink-${b.name}`, {
        manager: args.swarm.manager, name: serviceName("health-sink", b.name), board: b.name, image: h.sink.image,
        env: sinkEnv(inv, b.name), memoryMb: serviceSizing(inv, b, "health-sink").memoryMb, network: "host", endpointMode: "dnsrr",
        secrets: [{ secretName: passwordSecret, fileName: "cassandra-password", uid: healthUid }],
      }, { parent: this, dependsOn: [topic, schema, secret] });
    }
    if (agents.length > 0) {
      new SwarmObject(`${name}-agent`, {
        manager: args.swarm.manager, kind: "service",
        spec: globalServiceSpec({
          name: "health-agent", role: "health-agent", image: h.agent.image, env: agentEnv(inv),
          memoryMb: serviceSizing(inv, boardByName(inv, agents[0].name), "health-agent").memoryMb,
          network: "host", endpointMode: "dnsrr",
          mounts: [{ source: "/", target: hostRoot, readOnly: true }],
        }),
      }, { parent: this, dependsOn: [topic] });
    }
    this.topic = h.topic;
    this.table = `${h.keyspace}.vitals`;
    this.registerOutputs({ topic: this.topic, table: this.table, agents: agents.map(hostAddress) });
  }
}

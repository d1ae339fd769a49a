// GraphqlGateway: deskcluster's own Stargate-compatible GraphQL API and health dashboard, one
// task on every graphql-gateway board (a global swarm service on the host network, bound to the
// board's wired address). The token table is declared here; the password reaches the gateway as
// a swarm secret file; each board's readiness is awaited before anything depends on the gateway.
import * as pulumi from "@pulumi/pulumi";
import { ClusterPlan } from "../model/clusterPlan";
import {
  gatewayBoards, gatewayEnv, gatewayOf, gatewayPasswordFile, gatewayPorts, gatewayRole, gatewaySchemaCql, gatewayUid, gatewayUrls,
} from "../model/gatewayConfig";
import { serviceSizing } from "../model/memoryBudget";
import { hostAddress } from "../model/network";
import { gatewayServiceName, serviceName } from "../model/serviceNames";
import { cqlScript, httpWaitScript } from "../model/serviceScripts";
import { globalServiceSpec } from "../model/swarmServiceSpec";
import { RemoteCommand } from "../providers/remoteCommand";
import { SwarmObject } from "../providers/swarmObject";
import { Board } from "./board";
import { Swarm } from "./swarm";

export interface GraphqlGatewayArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly swarm: Swarm;
  /** The ready Cassandra ring (auth configured): the gateway logs in as the superuser. */
  readonly ring: pulumi.Resource;
  readonly superuserPassword: pulumi.Input<string>;
}

const passwordSecret = "deskcluster-gateway-cassandra-password";

export class GraphqlGateway extends pulumi.ComponentResource {
  public readonly graphqlUrls: string[];
  /** One readiness check per board: depend on these, not on the service. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: GraphqlGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const inv = args.plan.inventory;
    const boards = gatewayBoards(inv);
    super("deskcluster:index:GraphqlGateway", name, { boards: boards.map((b) => b.name) }, opts);
    const g = gatewayOf(inv);
    const cassandra = args.plan.cassandra.nodes[0];

    const schema = new RemoteCommand(`${name}-schema`, {
      connection: args.boards[cassandra.board].connection,
      create: cqlScript(serviceName("cassandra", cassandra.board), cassandra.address, gatewaySchemaCql(inv)),
      stdin: pulumi.interpolate`${args.superuserPassword}\n`,
    }, { parent: this, dependsOn: [args.ring] });
    const secret = new SwarmObject(`${name}-cassandra-password`, {
      manager: args.swarm.manager, kind: "secret",
      spec: pulumi.output(args.superuserPassword).apply((pw) => ({
        Name: passwordSecret, Data: Buffer.from(pw).toString("base64"), Labels: { "deskcluster.secret": "gateway-cassandra-password" },
      })),
    }, { parent: this, dependsOn: [args.swarm.network] });
    const spec = globalServiceSpec({
      name: gatewayServiceName, role: gatewayRole, image: g.image, env: gatewayEnv(inv),
      memoryMb: serviceSizing(inv, boards[0], "graphql-gateway").memoryMb,
      // The host network: the gateway listens on the board's own address, as Stargate's ports do.
      network: "host", endpointMode: "dnsrr",
      secrets: [{ secretName: passwordSecret, fileName: gatewayPasswordFile.split("/").pop()!, uid: gatewayUid }],
    });
    const service = new SwarmObject(`${name}-service`, { manager: args.swarm.manager, kind: "service", spec }, { parent: this, dependsOn: [schema, secret] });
    const port = gatewayPorts(inv).graphql;
    this.ready = boards.map((b) => new RemoteCommand(`${name}-${b.name}-ready`, {
      connection: args.boards[b.name].connection,
      create: httpWaitScript(`http://${hostAddress(b)}:${port}/checker/readiness`, `graphql gateway on ${b.name}`),
      triggers: [service.id, service.desiredSpec],
    }, { parent: this, dependsOn: [service] }));
    this.graphqlUrls = gatewayUrls(inv);
    this.registerOutputs({ graphqlUrls: this.graphqlUrls });
  }
}

// CassandraRing: a service per node pinned to its board, rendered cassandra.yaml, data on the
// board's storage. Every change to the nodes goes through one ServiceRoll: nodes join one at a
// time on the first deploy and restart one at a time, rack by rack, behind health checks
// (model/rollPlan.ts); then auth gets the secret superuser password.
import * as pulumi from "@pulumi/pulumi";
import { cassandraConfigPath, cassandraDataPath, cassandraMemberMarker } from "../model/cassandraConfig";
import { ClusterPlan } from "../model/clusterPlan";
import { digest } from "../model/stepProbes";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { authReplication, keyspaceReplication } from "../model/replication";
import { cassandraRollNodes } from "../model/rollNodes";
import { cassandraAuthScript } from "../model/serviceScripts";
import { serviceName } from "../model/serviceNames";
import { pinnedServiceSpec } from "../model/swarmServiceSpec";
import { RemoteCommand } from "../providers/remoteCommand";
import { ServiceRoll } from "../providers/serviceRoll";
import { SwarmObject } from "../providers/swarmObject";
import { Board } from "./board";
import { Swarm } from "./swarm";

export interface CassandraRingArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  /** Services deploy once the swarm (joins, labels, network) is complete. */
  readonly swarm: Swarm;
  readonly superuserPassword: pulumi.Input<string>;
}

export class CassandraRing extends pulumi.ComponentResource {
  public readonly contactPoints: string[];
  /** Resolves when every node is Up/Normal and auth is configured. */
  public readonly ready: pulumi.Output<string>;
  /** The last step of the ring (auth set): what clients of the ring depend on. */
  public readonly readyResource: pulumi.Resource;

  constructor(name: string, args: CassandraRingArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan } = args;
    super("deskcluster:index:CassandraRing", name, { seeds: plan.cassandra.seeds, nodes: plan.cassandra.nodes.map((n) => n.board) }, opts);
    const inv = plan.inventory;
    const configs: SwarmObject[] = [];
    const nodes = cassandraRollNodes(plan);
    const specs: Record<string, ReturnType<typeof pinnedServiceSpec>> = {};
    const joinConfigs: Record<string, string> = {};
    const markers: Record<string, string> = {};
    for (const node of plan.cassandra.nodes) {
      const board = boardByName(inv, node.board);
      // Swarm configs are immutable: a new name per content, created before the old one goes.
      const config = (suffix: string, yaml: string) => {
        const configName = `cassandra-${node.board}${suffix}-${digest(yaml).slice(0, 12)}`;
        configs.push(new SwarmObject(`${name}-${node.board}${suffix}-yaml`, {
          manager: args.swarm.manager, kind: "config",
          spec: { Name: configName, Data: Buffer.from(yaml).toString("base64"), Labels: { "deskcluster.board": node.board } },
        }, { parent: this, dependsOn: [args.swarm.ready] }));
        return configName;
      };
      const service = serviceName("cassandra", node.board);
      const spec = (configName: string) => pinnedServiceSpec({
        name: service, board: node.board, image: inv.services.cassandra.image, env: node.env,
        memoryMb: serviceSizing(inv, board, "cassandra").memoryMb, network: "host", endpointMode: "dnsrr",
        mounts: [{ source: `${board.storage.dataDir}/cassandra`, target: cassandraDataPath }],
        configs: [{ configName, fileName: cassandraConfigPath }],
        labels: { "deskcluster.rack": node.rack },
        stopGraceSeconds: 120,
      });
      specs[service] = spec(config("", node.cassandraYaml));
      if (node.joinYaml) joinConfigs[service] = config("-join", node.joinYaml);
      markers[node.board] = cassandraMemberMarker(board.storage.dataDir);
    }
    const connections = Object.fromEntries(plan.cassandra.nodes.map((n) => [n.board, args.boards[n.board].connection]));
    const ring = new ServiceRoll(`${name}-nodes`, {
      manager: args.swarm.manager, system: "cassandra", nodes, specs, connections, membership: { replication: keyspaceReplication(inv) },
      joinConfigs, markers,
    }, { parent: this, dependsOn: [args.swarm.ready, ...configs] });
    const first = plan.cassandra.nodes[0];
    const auth = new RemoteCommand(`${name}-auth`, {
      connection: args.boards[first.board].connection, what: "cassandra auth",
      create: cassandraAuthScript(serviceName("cassandra", first.board), first.address, inv.cluster.datacenter, authReplication(inv)),
      stdin: pulumi.interpolate`${args.superuserPassword}\n`,
    }, { parent: this, dependsOn: [ring] });
    this.contactPoints = plan.cassandra.nodes.map((n) => n.address);
    this.ready = auth.stdout;
    this.readyResource = auth;
    this.registerOutputs({ contactPoints: this.contactPoints, ready: this.ready });
  }
}

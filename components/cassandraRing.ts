// CassandraRing: a service per node pinned to its board, rendered cassandra.yaml, data on the
// board's storage; nodes join one at a time, then auth gets the secret superuser password.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { cassandraConfigPath, cassandraDataPath } from "../model/cassandraConfig";
import { ClusterPlan } from "../model/clusterPlan";
import { boardByName } from "../model/lookup";
import { serviceSizing } from "../model/memoryBudget";
import { cassandraAuthScript, cassandraWaitNormalScript } from "../model/serviceScripts";
import { RemoteCommand } from "../providers/remoteCommand";
import { SwarmObject } from "../providers/swarmObject";
import { Board } from "./board";
import { pinnedService } from "./swarmService";
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
    let previous: pulumi.Resource[] = [args.swarm];
    for (const node of plan.cassandra.nodes) {
      const board = boardByName(inv, node.board);
      const hash = createHash("sha256").update(node.cassandraYaml).digest("hex").slice(0, 12);
      // Swarm configs are immutable: a new name per content, created before the old one goes.
      const config = new SwarmObject(`${name}-${node.board}-yaml`, {
        manager: args.swarm.manager, kind: "config",
        spec: { Name: `cassandra-${node.board}-${hash}`, Data: Buffer.from(node.cassandraYaml).toString("base64"), Labels: { "deskcluster.board": node.board } },
      }, { parent: this, dependsOn: [args.swarm] });
      const serviceName = `cassandra-${node.board}`;
      const service = pinnedService(`${name}-${node.board}`, {
        manager: args.swarm.manager, name: serviceName, board: node.board, image: inv.services.cassandra.image, env: node.env,
        memoryMb: serviceSizing(inv, board, "cassandra").memoryMb, network: "host", endpointMode: "dnsrr",
        mounts: [{ source: `${board.storage.dataDir}/cassandra`, target: cassandraDataPath }],
        configs: [{ configName: `cassandra-${node.board}-${hash}`, fileName: cassandraConfigPath }],
        labels: { "deskcluster.rack": node.rack },
      }, { parent: this, dependsOn: [...previous, config] });
      // The next node starts only when this one is Up/Normal: Cassandra wants one join at a time.
      previous = [new RemoteCommand(`${name}-${node.board}-normal`, {
        connection: args.boards[node.board].connection, create: cassandraWaitNormalScript(serviceName, node.address),
        triggers: [service.id, service.spec],
      }, { parent: this, dependsOn: [service] })];
    }
    const first = plan.cassandra.nodes[0];
    const auth = new RemoteCommand(`${name}-auth`, {
      connection: args.boards[first.board].connection,
      create: cassandraAuthScript(`cassandra-${first.board}`, first.address, inv.cluster.datacenter, Math.min(3, plan.cassandra.nodes.length)),
      stdin: pulumi.interpolate`${args.superuserPassword}\n`,
    }, { parent: this, dependsOn: previous });
    this.contactPoints = plan.cassandra.nodes.map((n) => n.address);
    this.ready = auth.stdout;
    this.readyResource = auth;
    this.registerOutputs({ contactPoints: this.contactPoints, ready: this.ready });
  }
}

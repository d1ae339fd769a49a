// CassandraRing: a service per node pinned to its board, rendered cassandra.yaml, data on the
// board's storage; nodes join one at a time, then auth gets the secret superuser password.
import * as remote from "@pulumi/command/remote";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { cassandraConfigPath, cassandraDataPath } from "../model/cassandraConfig";
import { ClusterPlan } from "../model/clusterPlan";
import { serviceSizing } from "../model/memoryBudget";
import { boardByName } from "../model/lookup";
import { cassandraAuthScript, cassandraWaitNormalScript } from "../model/serviceScripts";
import { Board } from "./board";
import { pinnedService } from "./swarmService";

export interface CassandraRingArgs {
  readonly plan: ClusterPlan;
  readonly boards: Record<string, Board>;
  readonly provider: docker.Provider;
  /** Services deploy once the swarm (joins, labels, network) is complete. */
  readonly swarm: pulumi.Resource;
  readonly superuserPassword: pulumi.Input<string>;
}

export class CassandraRing extends pulumi.ComponentResource {
  public readonly contactPoints: string[];
  /** Resolves when every node is Up/Normal and auth is configured. */
  public readonly ready: pulumi.Output<string>;

  constructor(name: string, args: CassandraRingArgs, opts?: pulumi.ComponentResourceOptions) {
    const { plan } = args;
    super("deskcluster:index:CassandraRing", name, { seeds: plan.cassandra.seeds, nodes: plan.cassandra.nodes.map((n) => n.board) }, opts);
    const inv = plan.inventory;
    let previous: pulumi.Resource[] = [args.swarm];
    for (const node of plan.cassandra.nodes) {
      const board = args.boards[node.board];
      const hash = createHash("sha256").update(node.cassandraYaml).digest("hex").slice(0, 12);
      // Swarm configs are immutable: a new name per content, replaced before the old one goes.
      const config = new docker.ServiceConfig(`${name}-${node.board}-yaml`, {
        name: `cassandra-${node.board}-${hash}`,
        data: Buffer.from(node.cassandraYaml).toString("base64"),
      }, { parent: this, provider: args.provider, deleteBeforeReplace: false });
      const serviceName = `cassandra-${node.board}`;
      const service = pinnedService({
        name: serviceName, board: node.board, image: inv.services.cassandra.image, env: node.env,
        memoryMb: serviceSizing(inv, boardByName(inv, node.board), "cassandra").memoryMb,
        mounts: [{ type: "bind", source: `${boardByName(inv, node.board).storage.dataDir}/cassandra`, target: cassandraDataPath }],
        configs: [{ configId: config.id, configName: config.name, fileName: cassandraConfigPath }],
        labels: { "deskcluster.rack": node.rack },
      }, { parent: this, provider: args.provider, dependsOn: previous });
      const wait = new remote.Command(`${name}-${node.board}-normal`, {
        connection: board.connection, create: cassandraWaitNormalScript(serviceName, node.address),
        triggers: [service.id],
      }, { parent: this, dependsOn: [service], customTimeouts: { create: "20m", update: "20m" } });
      previous = [wait];
    }
    const first = plan.cassandra.nodes[0];
    const auth = new remote.Command(`${name}-auth`, {
      connection: args.boards[first.board].connection,
      create: cassandraAuthScript(`cassandra-${first.board}`, first.address, inv.cluster.datacenter, Math.min(3, plan.cassandra.nodes.length)),
      stdin: pulumi.secret(pulumi.interpolate`${args.superuserPassword}\n`),
      logging: "stdout",
    }, { parent: this, dependsOn: previous });
    this.contactPoints = plan.cassandra.nodes.map((n) => n.address);
    this.ready = auth.stdout;
    this.registerOutputs({ contactPoints: this.contactPoints, ready: this.ready });
  }
}

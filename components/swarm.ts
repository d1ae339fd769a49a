// Swarm: init on the leader, join tokens as secrets, managers and workers join, rack/role
// labels, the overlay network, and the Docker provider later components deploy through.
import * as remote from "@pulumi/command/remote";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { SwarmPlan } from "../model/swarmPlan";
import { nodeLabelScript, swarmInitScript, swarmJoinScript, swarmLeaveScript, swarmTokensScript } from "../model/swarmScripts";
import { Board } from "./board";

export interface SwarmArgs {
  readonly plan: SwarmPlan;
  readonly boards: Record<string, Board>;
  readonly overlayNetwork: string;
  /** ssh options for the Docker provider's ssh:// connection (key and pinned known_hosts). */
  readonly dockerSshOpts: pulumi.Input<string[]>;
  readonly sshUser: string;
}

export class Swarm extends pulumi.ComponentResource {
  public readonly provider: docker.Provider;
  public readonly network: docker.Network;
  /** Resolves when every node has joined and carries its labels. */
  public readonly ready: pulumi.Output<string[]>;

  constructor(name: string, args: SwarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("deskcluster:index:Swarm", name, { managers: args.plan.managers, workers: args.plan.workers, labels: args.plan.labels }, opts);
    const leader = args.boards[args.plan.leader!];
    const init = new remote.Command(`${name}-init`, {
      connection: leader.connection, create: swarmInitScript(leader.address), delete: swarmLeaveScript(),
    }, { parent: this, dependsOn: [leader] });
    const tokens = new remote.Command(`${name}-tokens`, {
      connection: leader.connection, create: swarmTokensScript, logging: "none",
    }, { parent: this, dependsOn: [init], additionalSecretOutputs: ["stdout"] });
    const token = (role: "manager" | "worker") => pulumi.secret(tokens.stdout.apply((s) => (JSON.parse(s) as Record<string, string>)[role]));

    const joins = [...args.plan.managers, ...args.plan.workers].filter((n) => n !== args.plan.leader).map((n) => {
      const board = args.boards[n];
      return new remote.Command(`${name}-join-${n}`, {
        connection: board.connection,
        create: swarmJoinScript(board.address, leader.address),
        delete: swarmLeaveScript(),
        stdin: pulumi.interpolate`${token(args.plan.managers.includes(n) ? "manager" : "worker")}\n`,
        logging: "stdout",
      }, { parent: this, dependsOn: [board, init] });
    });
    const labels = Object.entries(args.plan.labels).map(([n, l]) => {
      const script = nodeLabelScript(n, l);
      return new remote.Command(`${name}-labels-${n}`, {
        connection: leader.connection, create: script, update: script, triggers: [script],
      }, { parent: this, dependsOn: [init, ...joins] });
    });

    this.provider = new docker.Provider(`${name}-docker`, {
      host: pulumi.interpolate`ssh://${args.sshUser}@${leader.address}:${leader.connection.port ?? 22}`,
      sshOpts: args.dockerSshOpts,
    }, { parent: this, dependsOn: [init] });
    this.network = new docker.Network(`${name}-overlay`, {
      name: args.overlayNetwork, driver: "overlay", attachable: true,
    }, { parent: this, provider: this.provider, dependsOn: [init] });
    this.ready = pulumi.all(labels.map((l) => l.stdout));
    this.registerOutputs({ ready: this.ready, network: this.network.name });
  }
}

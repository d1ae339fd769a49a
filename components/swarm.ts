// Swarm: init on the leader, join tokens as secrets, managers and workers join, rack/role
// labels, and the overlay network. Later components deploy through `manager`.
import * as pulumi from "@pulumi/pulumi";
import { SwarmPlan } from "../model/swarmPlan";
import { nodeLabelScript, swarmInitScript, swarmJoinScript, swarmLeaveScript, swarmTokensScript } from "../model/swarmScripts";
import { RemoteCommand } from "../providers/remoteCommand";
import { SshTarget } from "../providers/sshTarget";
import { SwarmObject } from "../providers/swarmObject";
import { Board } from "./board";

export interface SwarmArgs {
  readonly plan: SwarmPlan;
  readonly boards: Record<string, Board>;
  readonly overlayNetwork: string;
}

export class Swarm extends pulumi.ComponentResource {
  /** The manager whose Docker API creates services, configs and networks. */
  public readonly manager: pulumi.Output<SshTarget>;
  public readonly network: SwarmObject;
  public readonly networkName: string;
  /** Resolves when every node has joined and carries its labels. */
  public readonly ready: pulumi.Output<string[]>;

  constructor(name: string, args: SwarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("deskcluster:index:Swarm", name, { managers: args.plan.managers, workers: args.plan.workers, labels: args.plan.labels }, opts);
    const leader = args.boards[args.plan.leader!];
    const init = new RemoteCommand(`${name}-init`, {
      connection: leader.connection, create: swarmInitScript(leader.address), delete: swarmLeaveScript("leader"),
    }, { parent: this, dependsOn: [leader] });
    const tokens = new RemoteCommand(`${name}-tokens`, {
      connection: leader.connection, create: swarmTokensScript, secretStdout: true,
    }, { parent: this, dependsOn: [init] });
    const token = (role: "manager" | "worker") => pulumi.secret(tokens.stdout.apply((s) => (JSON.parse(s) as Record<string, string>)[role]));

    const joins = [...args.plan.managers, ...args.plan.workers].filter((n) => n !== args.plan.leader).map((n) => {
      const board = args.boards[n];
      return new RemoteCommand(`${name}-join-${n}`, {
        connection: board.connection,
        create: swarmJoinScript(board.address, leader.address),
        delete: swarmLeaveScript(args.plan.managers.includes(n) ? "manager" : "worker"),
        stdin: pulumi.interpolate`${token(args.plan.managers.includes(n) ? "manager" : "worker")}\n`,
      }, { parent: this, dependsOn: [board, init] });
    });
    const labels = Object.entries(args.plan.labels).map(([n, l]) => new RemoteCommand(`${name}-labels-${n}`, {
      connection: leader.connection, create: nodeLabelScript(n, l),
    }, { parent: this, dependsOn: [init, ...joins] }));

    this.manager = leader.connection;
    this.networkName = args.overlayNetwork;
    this.network = new SwarmObject(`${name}-overlay`, {
      manager: this.manager, kind: "network",
      spec: { Name: args.overlayNetwork, Driver: "overlay", Attachable: true, Labels: { "deskcluster.network": args.overlayNetwork } },
    }, { parent: this, dependsOn: [init, ...joins] }); // so destroy removes it while every node is still in
    this.ready = pulumi.all(labels.map((l) => l.stdout));
    this.registerOutputs({ ready: this.ready, network: this.networkName });
  }
}

// Swarm: init on the leader, join tokens as secrets, every board's membership (the leader's
// too, so a different leader choice never removes a board), the nodes as the managers see
// them (role, availability, rack/role labels), and the overlay network. Later components
// deploy through `manager` and depend on `ready`, the swarm's one outcome resource.
import * as pulumi from "@pulumi/pulumi";
import { SwarmPlan } from "../model/swarmPlan";
import { swarmInitScript, swarmTokensScript } from "../model/swarmScripts";
import { RemoteCommand } from "../providers/remoteCommand";
import { BoardAddress } from "../providers/sshTarget";
import { SwarmObject } from "../providers/swarmObject";
import { Board } from "./board";

export interface SwarmArgs {
  readonly plan: SwarmPlan;
  readonly boards: Record<string, Board>;
  readonly overlayNetwork: string;
}

export class Swarm extends pulumi.ComponentResource {
  /** The manager whose Docker API creates services, configs and networks. */
  public readonly manager: pulumi.Output<BoardAddress>;
  public readonly network: SwarmObject;
  public readonly networkName: string;
  /** Created once every node is in with its role and labels and the network exists: what services depend on. */
  public readonly ready: pulumi.Resource;

  constructor(name: string, args: SwarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("deskcluster:index:Swarm", name, { managers: args.plan.managers, workers: args.plan.workers, labels: args.plan.labels }, opts);
    const { plan } = args;
    const leader = args.boards[plan.leader!];
    const others = Object.fromEntries(plan.managers.filter((m) => m !== plan.leader).map((m) => [m, args.boards[m].address]));
    const init = new RemoteCommand(`${name}-init`, {
      connection: leader.connection, what: "swarm init", create: swarmInitScript(leader.address, leader.name, others),
    }, { parent: this, dependsOn: [leader.engine] });
    const tokens = new RemoteCommand(`${name}-tokens`, {
      connection: leader.connection, what: "swarm join tokens", create: swarmTokensScript, secretStdout: true,
    }, { parent: this, dependsOn: [init] });
    const token = (role: "manager" | "worker") => pulumi.secret(tokens.stdout.apply((s) => (JSON.parse(s) as Record<string, string>)[role]));

    const roleOf = (n: string): "manager" | "worker" => (plan.managers.includes(n) ? "manager" : "worker");
    // The leader first, so that on destroy every other board leaves before it ends the swarm.
    const members = [plan.leader!, ...[...plan.managers, ...plan.workers].filter((n) => n !== plan.leader)];
    const joins: Record<string, RemoteCommand> = {};
    for (const n of members) {
      const board = args.boards[n];
      joins[n] = new RemoteCommand(`${name}-join-${n}`, {
        connection: board.connection, what: "swarm membership",
        // Its undo (leaving the swarm) runs only when the board leaves the inventory, never on a change.
        recipe: { name: "swarm-member", address: board.address, leaderAddress: leader.address, role: roleOf(n), leader: n === plan.leader },
        stdin: pulumi.interpolate`${token(roleOf(n))}\n`,
      }, { parent: this, dependsOn: n === plan.leader ? [board.engine, init] : [board.engine, init, joins[plan.leader!]] });
    }
    const nodes = members.map((n) => {
      return new RemoteCommand(`${name}-labels-${n}`, {
        connection: leader.connection, what: `swarm node ${n}`,
        // Its undo runs only when the board leaves the inventory: drained, demoted, removed from the node list, before it leaves.
        recipe: { name: "swarm-node", node: n, role: roleOf(n), labels: plan.labels[n] },
        // A rejoined board is a new node (new id): label it again.
        triggers: [joins[n].stdout],
      }, { parent: this, dependsOn: [init, joins[n]] });
    });

    this.manager = leader.connection;
    this.networkName = args.overlayNetwork;
    // After every node is in, so destroy removes it while they all still are.
    this.network = new SwarmObject(`${name}-overlay`, {
      manager: this.manager, kind: "network",
      spec: { Name: args.overlayNetwork, Driver: "overlay", Attachable: true, Labels: { "deskcluster.network": args.overlayNetwork } },
    }, { parent: this, dependsOn: nodes });
    this.ready = this.network;
    this.registerOutputs({ network: this.networkName });
  }
}

// Board: one single-board computer made ready over SSH: hostname, hosts, address, Docker.
import * as remote from "@pulumi/command/remote";
import * as pulumi from "@pulumi/pulumi";
import { baseSetupScript, dockerSetupScript } from "../model/boardScripts";
import { BoardPlan } from "../model/clusterPlan";
import { boardConnection, SshCredentials } from "./connection";

export interface BoardArgs {
  readonly plan: BoardPlan;
  readonly ssh: SshCredentials;
}

export class Board extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly address: string;
  public readonly connection: ReturnType<typeof boardConnection>;
  /** Resolves once Docker runs on the board with a working memory cgroup. */
  public readonly dockerReady: pulumi.Output<string>;

  constructor(name: string, args: BoardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("deskcluster:index:Board", name, { board: args.plan.name, address: args.plan.address, rack: args.plan.board.rack, roles: args.plan.board.roles }, opts);
    this.name = args.plan.name;
    this.address = args.plan.address;
    this.connection = boardConnection(args.ssh, args.plan.name, args.plan.address);
    const base = baseSetupScript(args.plan);
    const baseCmd = new remote.Command(`${name}-base`, {
      connection: this.connection, create: base, update: base, triggers: [base],
    }, { parent: this });
    const docker = dockerSetupScript(args.plan);
    const dockerCmd = new remote.Command(`${name}-docker`, {
      connection: this.connection, create: docker, update: docker, triggers: [docker],
    }, { parent: this, dependsOn: [baseCmd] });
    this.dockerReady = dockerCmd.stdout;
    this.registerOutputs({ address: this.address, dockerReady: this.dockerReady });
  }
}

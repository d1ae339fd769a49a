// Board: one single-board computer made ready over SSH: hostname, hosts, address, Docker.
import * as pulumi from "@pulumi/pulumi";
import { BoardPlan, boardStep } from "../model/clusterPlan";
import { RemoteCommand } from "../providers/remoteCommand";
import { BoardAddress } from "../providers/sshTarget";
import { boardConnection, SshCredentials } from "./connection";

export interface BoardArgs {
  readonly plan: BoardPlan;
  readonly ssh: SshCredentials;
  /** Cluster addresses of the other boards: the route to each must leave through the wired interface. */
  readonly peers: readonly string[];
}

export class Board extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly address: string;
  public readonly connection: pulumi.Output<BoardAddress>;
  /** Resolves once Docker runs on the board with a working memory cgroup. */
  public readonly dockerReady: pulumi.Output<string>;
  /**
   * The step that makes Docker run: what the swarm depends on. Not the whole board: its image
   * pulls run beside the swarm's forming, not before it.
   */
  public readonly engine: pulumi.Resource;

  constructor(name: string, args: BoardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("deskcluster:index:Board", name, {
      board: args.plan.name, address: args.plan.address, rack: args.plan.board.rack, roles: args.plan.board.roles,
    }, opts);
    this.name = args.plan.name;
    this.address = args.plan.address;
    this.connection = boardConnection(args.ssh, args.plan.name, args.plan.address);
    const step = boardStep(args.plan);
    const base = new RemoteCommand(`${name}-base`, {
      connection: this.connection, what: "base setup", recipe: { name: "board-base", board: step, peers: args.peers },
    }, { parent: this });
    const docker = new RemoteCommand(`${name}-docker`, {
      connection: this.connection, what: "docker", recipe: { name: "board-docker", board: step },
      // A new daemon.json restarts the engine and the board's services: one board at a time.
      serial: "docker-engine",
    }, { parent: this, dependsOn: [base] });
    this.dockerReady = docker.stdout;
    this.engine = docker;
    // Nothing waits for it: the downloads overlap the swarm's forming, and a service that starts
    // first joins the pull in flight (the engine fetches each layer once).
    if (args.plan.images.length > 0) {
      new RemoteCommand(`${name}-images`, {
        connection: this.connection, what: "images", recipe: { name: "board-images", images: args.plan.images },
      }, { parent: this, dependsOn: [docker] });
    }
    this.registerOutputs({ address: this.address, dockerReady: this.dockerReady });
  }
}

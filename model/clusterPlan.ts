// The whole derived plan of a desk cluster: everything components need, computed purely
// from a validated inventory (check it with checkInventory first).
import { OsName, osOf } from "./operatingSystems";
import { boardImages } from "./boardImages";
import { Arch, boardModel } from "./catalog";
import { CassandraNodeConfig, cassandraNodeConfig, cassandraYaml } from "./cassandraConfig";
import { cassandraSeeds, seedsFor } from "./cassandraSeeds";
import { Board, Inventory } from "./inventory";
import { kafkaNodeEnv } from "./kafkaConfig";
import { bootstrapServers, KafkaNode, kafkaNodes, quorumVoters } from "./kraftQuorum";
import { BoardBudget, boardBudget } from "./memoryBudget";
import { hostAddress } from "./network";
import { boardsWithRole, byName } from "./placement";
import { coordinatorEnv, graphqlEnv } from "./stargateConfig";
import { SwarmPlan, swarmPlan } from "./swarmPlan";
import { dockerDaemonJson, hostsBlock, staticAddressKeyfile } from "./boardConfig";

export interface BoardPlan {
  readonly name: string;
  readonly board: Board;
  readonly arch: Arch | undefined;
  readonly address: string;
  readonly budget: BoardBudget;
  readonly files: { hosts: string; daemonJson: string; staticAddress?: string };
  /** Pulled as soon as Docker runs (boardImages.ts). */
  readonly images: string[];
}

/** What a board's own steps (base setup, Docker) need of its plan: what their recipes carry (stepRecipes.ts). */
export type BoardStep = Pick<BoardPlan, "name" | "address" | "files">
  & { readonly board: Pick<Board, "interfaces" | "storage" | "roles"> & { readonly os: OsName; readonly arch?: Arch } };

export function boardStep(plan: BoardPlan): BoardStep {
  const { interfaces, storage, roles } = plan.board;
  const arch = boardArch(plan.board);
  return { name: plan.name, address: plan.address, files: plan.files, board: { interfaces, storage, roles, os: osOf(plan.board), ...(arch ? { arch } : {}) } };
}

export interface CassandraNodePlan extends CassandraNodeConfig {
  readonly board: string;
  readonly address: string;
  readonly rack: string;
  /** For a node that is its own seed: the cassandra.yaml it starts with when it joins an existing ring (itself left out). */
  readonly joinYaml?: string;
}

export interface ClusterPlan {
  readonly inventory: Inventory;
  readonly boards: BoardPlan[];
  readonly swarm: SwarmPlan;
  readonly cassandra: { seeds: string[]; nodes: CassandraNodePlan[] };
  readonly kafka: { voters: string; bootstrap: string[]; nodes: (KafkaNode & { env: Record<string, string> })[] };
  readonly stargate: { board: string; address: string; coordinatorEnv: Record<string, string>; graphqlEnv: Record<string, string> }[];
}

export function boardArch(board: Board): Arch | undefined {
  return boardModel(board.model).arch ?? board.arch;
}

export function seedAddresses(inv: Inventory): string[] {
  return cassandraSeeds(boardsWithRole(inv, "cassandra")).map(hostAddress);
}

export function planCluster(inv: Inventory): ClusterPlan {
  const seeds = seedAddresses(inv);
  const nodes = kafkaNodes(inv);
  const sorted = [...inv.boards].sort(byName);
  return {
    inventory: inv,
    boards: sorted.map((b) => ({
      name: b.name, board: b, arch: boardArch(b), address: hostAddress(b), budget: boardBudget(inv, b),
      files: { hosts: hostsBlock(inv), daemonJson: dockerDaemonJson(inv), staticAddress: staticAddressKeyfile(inv, b) },
      images: boardImages(inv, b),
    })),
    swarm: swarmPlan(inv),
    cassandra: {
      seeds,
      nodes: sorted.filter((b) => b.roles.includes("cassandra")).map((b) => ({
        board: b.name, address: hostAddress(b), rack: b.rack, ...cassandraNodeConfig(inv, b, seeds),
        ...(seeds.includes(hostAddress(b)) && seeds.length > 1 ? { joinYaml: cassandraYaml(inv, b, seedsFor(hostAddress(b), seeds, true)) } : {}),
      })),
    },
    kafka: { voters: quorumVoters(nodes), bootstrap: bootstrapServers(nodes), nodes: nodes.map((n) => ({ ...n, env: kafkaNodeEnv(inv, n) })) },
    stargate: inv.services.stargate
      ? sorted.filter((b) => b.roles.includes("stargate")).map((b) => ({
        board: b.name, address: hostAddress(b), coordinatorEnv: coordinatorEnv(inv, b, seeds), graphqlEnv: graphqlEnv(inv, b),
      }))
      : [],
  };
}

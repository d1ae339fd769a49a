// KRaft roles, node ids from the identity ledger (never list order), and the voter set.
import { Board, Inventory } from "./inventory";
import { clusterAddress } from "./network";
import { byName, KafkaProcessRole, kafkaProcessRoles } from "./placement";

export const kafkaPorts = { broker: 9092, controller: 9093 } as const;

export interface KafkaNode {
  readonly board: string;
  readonly nodeId: number | undefined;
  readonly processRoles: KafkaProcessRole[];
  readonly address: string | undefined;
  readonly rack: string;
}

export function kafkaNodes(inv: Inventory): KafkaNode[] {
  return inv.boards
    .filter((b) => kafkaProcessRoles(b).length > 0)
    .sort(byName)
    .map((b: Board) => ({
      board: b.name,
      nodeId: inv.identity.kafka[b.name],
      processRoles: kafkaProcessRoles(b),
      address: clusterAddress(b),
      rack: b.rack,
    }));
}

export const isVoter = (n: KafkaNode): boolean => n.processRoles.includes("controller");
export const isBroker = (n: KafkaNode): boolean => n.processRoles.includes("broker");

/** `id@host:port,...` in id order, the form of controller.quorum.voters. */
export function quorumVoters(nodes: readonly KafkaNode[]): string {
  return nodes.filter(isVoter)
    .sort((a, b) => (a.nodeId ?? 0) - (b.nodeId ?? 0))
    .map((n) => `${n.nodeId}@${n.address}:${kafkaPorts.controller}`)
    .join(",");
}

export function bootstrapServers(nodes: readonly KafkaNode[]): string[] {
  return nodes.filter(isBroker).map((n) => `${n.address}:${kafkaPorts.broker}`);
}

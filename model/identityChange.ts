// A live node keeps its id and rack: a Kafka id is written in its meta.properties and the
// quorum, a rack in Cassandra's system tables and both systems' replica placement; a changed
// id or rack in place would orphan its data or move its replicas.
import { Violation } from "./violation";

export interface NodeIdentity {
  readonly board: string;
  readonly nodeId: number;
  readonly rack: string;
}

export interface IdentityFailure {
  readonly property: string;
  readonly reason: string;
}

/** `system` names the node in the message: the same rule guards Kafka ids and racks and Cassandra racks. */
export function identityChangeViolations(
  olds: Partial<NodeIdentity> | undefined, news: Omit<NodeIdentity, "nodeId"> & { nodeId?: number }, system = "Kafka",
): Violation[] {
  if (!olds) return [];
  const out: Violation[] = [];
  if (olds.nodeId !== undefined && news.nodeId !== undefined && olds.nodeId !== news.nodeId) {
    out.push({
      rule: "identity", board: news.board, field: `identity.kafka.${news.board}`,
      message: `Kafka node id of a live node changes from ${olds.nodeId} to ${news.nodeId}; `
        + "retire the node (destroy its service and data) before reusing the board",
    });
  }
  if (olds.rack !== undefined && olds.rack !== news.rack) {
    out.push({
      rule: "identity", board: news.board, field: "rack",
      message: `rack of a live ${system} node changes from ${olds.rack} to ${news.rack}; replicas placed by rack would silently move`,
    });
  }
  return out;
}

export function identityChangeFailures(olds: Partial<NodeIdentity> | undefined, news: NodeIdentity): IdentityFailure[] {
  if (!olds || olds.nodeId === undefined) return [];
  return identityChangeViolations(olds, news).map((v) => ({
    property: v.field === "rack" ? "rack" : "nodeId",
    reason: `board ${v.board}, field ${v.field}: ${v.message}`,
  }));
}

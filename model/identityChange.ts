// A live Kafka node keeps its id and rack: the id is written in its meta.properties and
// the quorum; a changed id or rack in place would orphan its data or move its replicas.
export interface NodeIdentity {
  readonly board: string;
  readonly nodeId: number;
  readonly rack: string;
}

export interface IdentityFailure {
  readonly property: string;
  readonly reason: string;
}

export function identityChangeFailures(olds: Partial<NodeIdentity> | undefined, news: NodeIdentity): IdentityFailure[] {
  if (!olds || olds.nodeId === undefined) return [];
  const out: IdentityFailure[] = [];
  if (olds.nodeId !== news.nodeId) {
    out.push({
      property: "nodeId",
      reason: `board ${news.board}, field identity.kafka.${news.board}: Kafka node id of a live node changes from ${olds.nodeId} to ${news.nodeId}; `
        + "retire the node (destroy its service and data) before reusing the board",
    });
  }
  if (olds.rack !== undefined && olds.rack !== news.rack) {
    out.push({
      property: "rack",
      reason: `board ${news.board}, field rack: rack of a live Kafka node changes from ${olds.rack} to ${news.rack}; `
        + "replicas placed by rack would silently move",
    });
  }
  return out;
}

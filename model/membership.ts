// Who belongs to each stateful system: per board its rack, Kafka node id and the roles that
// carry state (Cassandra data, Kafka replicas, KRaft and swarm votes), plus the replication
// factors a removal must respect. Derived from the inventory, or from what a ServiceRoll last
// applied (its `nodes` and `membership` inputs), so a run can compare the two before it acts.
import { Inventory } from "./inventory";
import { kafkaNodes } from "./kraftQuorum";
import { boardsWithRole } from "./placement";
import { keyspaceReplication, topicReplication } from "./replication";
import { RollNode, RollSystem } from "./rollPlan";
import { swarmPlan } from "./swarmPlan";

export type MemberRole = "cassandra" | "kafka-broker" | "kafka-controller" | "swarm-manager";

export interface Member {
  readonly board: string;
  readonly roles: readonly MemberRole[];
  /** Absent for swarm managers: the swarm rules count votes only. */
  readonly rack?: string;
  readonly nodeId?: number;
}

export interface Membership {
  readonly members: readonly Member[];
  /** Replication factor per Cassandra keyspace and per Kafka topic deskcluster creates. */
  readonly keyspaces: Readonly<Record<string, number>>;
  readonly topics: Readonly<Record<string, number>>;
}

/** What a ServiceRoll carries beyond its nodes for these rules: its system's replication factors; the Kafka roll also the swarm managers. */
export interface RollMembershipContext {
  readonly replication?: Readonly<Record<string, number>>;
  readonly swarmManagers?: readonly string[];
}

export function rollMembership(system: RollSystem, nodes: readonly RollNode[], context: RollMembershipContext = {}): Membership {
  const roles = (n: RollNode): MemberRole[] => (system === "cassandra" ? ["cassandra"]
    : [...(n.broker ? ["kafka-broker" as const] : []), ...(n.controller ? ["kafka-controller" as const] : [])]);
  return {
    members: [
      ...nodes.map((n) => ({ board: n.board, rack: n.rack, nodeId: n.nodeId, roles: roles(n) })),
      ...(context.swarmManagers ?? []).map((board) => ({ board, roles: ["swarm-manager" as const] })),
    ],
    keyspaces: system === "cassandra" ? { ...context.replication } : {},
    topics: system === "kafka" ? { ...context.replication } : {},
  };
}

export function membershipOf(inv: Inventory): Membership {
  return {
    members: [
      ...boardsWithRole(inv, "cassandra").map((b) => ({ board: b.name, rack: b.rack, roles: ["cassandra" as const] })),
      ...kafkaNodes(inv).map((n) => ({
        board: n.board, rack: n.rack, nodeId: n.nodeId,
        roles: n.processRoles.map((r) => (r === "broker" ? "kafka-broker" as const : "kafka-controller" as const)),
      })),
      ...swarmPlan(inv).managers.map((board) => ({ board, roles: ["swarm-manager" as const] })),
    ],
    keyspaces: keyspaceReplication(inv),
    topics: topicReplication(inv),
  };
}

/** Boards holding `role`, in name order. */
export function holders(m: Membership, role: MemberRole): string[] {
  return [...new Set(m.members.filter((x) => x.roles.includes(role)).map((x) => x.board))].sort();
}

/** The member entry of `board` that holds `role`. */
export function memberIn(m: Membership, board: string, role: MemberRole): Member | undefined {
  return m.members.find((x) => x.board === board && x.roles.includes(role));
}

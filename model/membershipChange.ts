// What a run changes in each stateful system, compared with what the last run applied: boards
// kept, added and removed per role (replaced boards, a fact read from the boards, are kept ones
// that come back empty), and the changes refused before anything is touched. Pure: the
// ServiceRoll check runs it on its old and new inputs, so `pulumi preview` names each refusal.
import { identityChangeViolations } from "./identityChange";
import { holders, MemberRole, Membership, memberIn } from "./membership";
import { Violation } from "./violation";

export interface RoleChange {
  readonly kept: string[];
  readonly added: string[];
  readonly removed: string[];
  /** Kept boards that lost their data (fresh OS, data folder gone): they rejoin with their identity. */
  readonly replaced: string[];
}

export function classify(prev: Membership, next: Membership, role: MemberRole, replaced: ReadonlySet<string> = new Set()): RoleChange {
  const before = holders(prev, role);
  const after = new Set(holders(next, role));
  const kept = before.filter((b) => after.has(b));
  return {
    kept,
    added: [...after].filter((b) => !before.includes(b)).sort(),
    removed: before.filter((b) => !after.has(b)),
    replaced: kept.filter((b) => replaced.has(b)),
  };
}

const rule = "membership";
const list = (boards: readonly string[]) => boards.join(", ");

/** Every keyspace (topic) keeps the factor it was created with: the larger of the applied and the new one. */
function replicationRefusals(
  prev: Membership, next: Membership, role: MemberRole, factors: "keyspaces" | "topics", what: string, unit: string,
): Violation[] {
  const c = classify(prev, next, role);
  if (c.removed.length === 0) return [];
  const left = holders(next, role).length;
  const names = [...new Set([...Object.keys(prev[factors]), ...Object.keys(next[factors])])].sort();
  const subject = c.removed.length === 1 ? `this ${what}` : `${c.removed.length} ${what}s (${list(c.removed)})`;
  return names.flatMap((name) => {
    const rf = Math.max(prev[factors][name] ?? 0, next[factors][name] ?? 0);
    if (left >= rf) return [];
    return [{
      rule, board: c.removed[c.removed.length - 1], field: "roles",
      message: `removing ${subject} leaves ${left} ${what.split(" ").at(-1)}s, fewer than the replication factor ${rf} of ${unit} ${name}`,
    }];
  });
}

/**
 * A quorum survives a run only if the voters it leaves untouched (neither removed nor wiped)
 * are a majority of the voters before it, and, where the new voter set takes effect at once
 * (KRaft's static quorum: every node restarts with the new controller.quorum.voters), of the
 * voters after it too; swarm adds managers one raft change at a time, so only the old set counts.
 */
function majorityRefusals(prev: Membership, next: Membership, role: MemberRole, what: string, newSetCounts: boolean,
  replaced: ReadonlySet<string>): Violation[] {
  const c = classify(prev, next, role, replaced);
  const before = holders(prev, role);
  const after = holders(next, role);
  if (before.length === 0) return [];
  const untouched = c.kept.filter((b) => !replaced.has(b));
  const changed = [...c.removed, ...c.replaced, ...c.added];
  const short = (set: readonly string[]) => untouched.length <= set.length / 2;
  const fail = (set: readonly string[], when: string): Violation => ({
    rule, board: changed[0], field: "roles",
    message: `${what} change from ${before.length} (${list(before)}) to ${after.length} (${list(after)})`
      + `${c.replaced.length ? `, ${list(c.replaced)} wiped` : ""} in one run: only ${untouched.length} untouched`
      + ` (${list(untouched) || "none"}), not a majority of the ${set.length} ${what} ${when}; the quorum would be lost`,
  });
  if (short(before)) return [fail(before, "before it")];
  if (newSetCounts && after.length > 0 && short(after)) return [fail(after, "after it")];
  return [];
}

/** A voter that leaves or comes back empty is a membership change; more than one per run is refused. */
function onePerRunRefusals(prev: Membership, next: Membership, role: MemberRole, what: string, replaced: ReadonlySet<string>): Violation[] {
  const c = classify(prev, next, role, replaced);
  const changed = [...c.removed, ...c.replaced].sort();
  if (changed.length <= 1) return [];
  return [{
    rule, board: changed[1], field: "roles",
    message: `removing or replacing ${changed.length} of ${holders(prev, role).length} ${what} in one run (${list(changed)}); `
      + "change one per run, so the voters that hold the quorum's state stay a majority throughout",
  }];
}

// A Kafka node's id and rack are KafkaIdentity's to guard (its check refuses them); a Cassandra node has no identity
// resource, so its rack is guarded here.
function cassandraRackRefusals(prev: Membership, next: Membership): Violation[] {
  return holders(prev, "cassandra").sort().flatMap((board) => {
    const was = memberIn(prev, board, "cassandra");
    const now = memberIn(next, board, "cassandra");
    if (!was || !now || now.rack === undefined) return [];
    return identityChangeViolations({ rack: was.rack }, { board, rack: now.rack }, "Cassandra");
  });
}

/** Refusals of a change from `prev` (what the last run applied; undefined on a first deploy) to `next`. */
export function membershipRefusals(prev: Membership | undefined, next: Membership, replaced: ReadonlySet<string> = new Set()): Violation[] {
  if (!prev) return [];
  return [
    ...replicationRefusals(prev, next, "cassandra", "keyspaces", "Cassandra node", "keyspace"),
    ...replicationRefusals(prev, next, "kafka-broker", "topics", "Kafka broker", "topic"),
    ...majorityRefusals(prev, next, "kafka-controller", "KRaft controllers", true, replaced),
    ...majorityRefusals(prev, next, "swarm-manager", "swarm managers", false, replaced),
    ...onePerRunRefusals(prev, next, "kafka-controller", "KRaft controllers", replaced),
    ...onePerRunRefusals(prev, next, "swarm-manager", "swarm managers", replaced),
    ...cassandraRackRefusals(prev, next),
  ];
}

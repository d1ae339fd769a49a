// The board lifecycle as a plan, from the inventory the last run applied to the new one: boards
// that come back empty (replace), join (add) or leave (remove), each step with what must hold
// before it, what it does and what to wait for, reusing the rolling plan's steps where a node
// joins or restarts. Pure, like model/rollPlan.ts.
//
// Carried out per system, not by this function: ServiceRoll runs the Cassandra and Kafka parts through
// model/rollPlan.ts and model/leavingSteps.ts (replace, join, leave, rebalance), and the Swarm component's steps
// do the swarm's (a rejoin drops the stale entry; a board that leaves is drained, demoted and removed). This is the
// whole desk's view of the same change, in one order, for tests and for reading a change before it runs.
//
// KRaft quorum: static (controller.quorum.voters), not KIP-853's dynamic one. Every desk so far
// was formatted static (kraft.version 0), and Kafka 3.9 cannot turn a static quorum dynamic
// (that came in 4.1; 3.9's docs list it as a limitation), so choosing dynamic would mean a new
// cluster. A wiped controller rejoins as itself: storage formatted with the same CLUSTER_ID
// and node id, then it fetches the log from the leader. Static voters cannot tell a wiped voter
// from a live one (KIP-853's directory ids do), so its one vote must never decide an election
// on state it lost: the remaining voters are caught up before it starts, and the membership
// rules let a run change only one voter. A voter set change restarts every Kafka node with the
// new voters (phase "voters").
import { cassandraSeeds, seedsFor } from "./cassandraSeeds";
import { planCluster } from "./clusterPlan";
import { Inventory } from "./inventory";
import { LifecycleAction, LifecycleCheck, LifecyclePhase, LifecyclePlan, LifecycleStep } from "./lifecycleSteps";
import { hostAddress } from "./network";
import { boardsWithRole } from "./placement";
import { leavingSteps, through } from "./leavingSteps";
import { topicReplication } from "./replication";
import { cassandraRollNodes, kafkaRollNodes } from "./rollNodes";
import { cassandraRoll, kafkaRoll, RollNode } from "./rollPlan";
import { SwarmPlan, swarmPlan } from "./swarmPlan";

export interface LifecycleFacts {
  /** Boards read back empty (fresh OS, data folder gone) with the same name and address. */
  readonly replaced?: ReadonlySet<string>;
  /** Reassign topics onto the brokers that joined (the issue's `rebalance` setting). */
  readonly rebalance?: boolean;
  /** Which topics a rebalance moves; by default the ones deskcluster creates (the health topic). */
  readonly topics?: readonly string[];
  readonly activeController?: number;
}

const names = (nodes: readonly RollNode[]) => nodes.map((n) => n.board);
const only = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x)).sort();
const members = (p: SwarmPlan) => [...p.managers, ...p.workers];
const roleIn = (p: SwarmPlan, b: string) => (p.managers.includes(b) ? "manager" as const : "worker" as const);
const brokerIds = (nodes: readonly RollNode[]) => nodes.filter((n) => n.broker).map((n) => n.nodeId!);

export function lifecyclePlan(prev: Inventory, next: Inventory, facts: LifecycleFacts = {}): LifecyclePlan {
  const replaced = [...(facts.replaced ?? [])].sort();
  const [was, now] = [planCluster(prev), planCluster(next)];
  const c = { was: cassandraRollNodes(was), now: cassandraRollNodes(now) };
  const k = { was: kafkaRollNodes(was), now: kafkaRollNodes(now) };
  const s = { was: swarmPlan(prev), now: swarmPlan(next) };
  const gone = { c: only(names(c.was), names(c.now)), k: only(names(k.was), names(k.now)), s: only(members(s.was), members(s.now)) };
  const added = { c: only(names(c.now), names(c.was)), k: only(names(k.now), names(k.was)), s: only(members(s.now), members(s.was)) };
  const stays = (a: readonly string[], z: readonly string[], b: string) => a.includes(b) && z.includes(b);
  const joining = new Set([...added.c, ...replaced.filter((b) => stays(names(c.was), names(c.now), b))]);
  const seeds = cassandraSeeds(boardsWithRole(next, "cassandra"), joining).map(hostAddress);
  // Swarm changes go through a manager that stays and keeps its state.
  const manager = s.now.managers.find((m) => s.was.managers.includes(m) && !replaced.includes(m)) ?? s.now.managers[0];
  // Per system, the nodes not running at a point of the plan: wiped ones not back yet, added ones not in yet, removed ones gone.
  const down = { c: new Set([...replaced, ...added.c]), k: new Set([...replaced, ...added.k]) };
  const up = (nodes: readonly RollNode[], b: string, off: Set<string>) => nodes.filter((n) => n.board === b || !off.has(n.board));
  const node = (nodes: readonly RollNode[], b: string) => nodes.find((n) => n.board === b)!;
  const via = (nodes: readonly RollNode[], b: string) => through(up(nodes, b, down.k).find((n) => n.broker && n.board !== b)!);
  const steps: LifecycleStep[] = [];
  const push = (phase: LifecyclePhase, system: LifecycleStep["system"], board: string, step: Partial<LifecycleStep>) =>
    steps.push({ phase, system, board, before: [], actions: [], after: [], ...step });

  const swarmJoin = (phase: LifecyclePhase, b: string, stale: boolean) => push(phase, "swarm", b, {
    actions: [
      ...(stale && roleIn(s.was, b) === "manager" ? [{ kind: "swarm-demote" as const, manager, node: b }] : []),
      ...(stale ? [{ kind: "swarm-node-remove" as const, manager, node: b, stale: true }] : []),
      { kind: "swarm-join", board: b, role: roleIn(s.now, b), labels: s.now.labels[b] },
    ],
    after: [{ kind: "swarm-node-ready", node: b, role: roleIn(s.now, b), labels: s.now.labels[b] }],
  });
  const cassandraJoin = (phase: LifecyclePhase, b: string, replace: boolean) => {
    const n = node(c.now, b);
    const nodes = up(c.now, b, down.c);
    const join = cassandraRoll(nodes, new Set([b]), { existing: new Set(names(nodes).filter((x) => x !== b)) }).steps[0];
    const start: LifecycleAction = { kind: "cassandra-start", board: b, service: n.service, seeds: seedsFor(n.address, seeds, true),
      ...(replace ? { replaceAddress: n.address } : {}) };
    push(phase, "cassandra", b, { before: join.before, actions: [start], after: join.after });
    down.c.delete(b);
    if (!replace) return;
    // The next restart drops the flag: an ordinary roll step, with the node's usual seeds again.
    const again = cassandraRoll(up(c.now, b, down.c), new Set([b])).steps[0];
    push(phase, "cassandra", b, { before: again.before, after: again.after,
      actions: [...again.actions, { kind: "cassandra-start", board: b, service: n.service, seeds: now.cassandra.seeds }] });
  };
  const kafkaStart = (phase: LifecyclePhase, b: string, format: boolean) => {
    const n = node(k.now, b);
    const nodes = up(k.now, b, down.k);
    const rolled = kafkaRoll(nodes, new Set([b]), { existing: new Set(names(nodes).filter((x) => x !== b)) }).steps[0];
    // A wiped node's partitions stay under-replicated until it is back: only the quorum is asked first.
    const before: readonly LifecycleCheck[] = !format ? rolled.before : n.controller ? [{ kind: "kafka-quorum-caught-up", ...via(k.now, b) }] : [];
    push(phase, "kafka", b, {
      before,
      actions: [...(format ? [{ kind: "kafka-format-storage" as const, board: b, service: n.service, nodeId: n.nodeId! }] : []),
        { kind: "service-apply", service: n.service }],
      after: [...rolled.after, ...(n.broker ? [{ kind: "kafka-brokers-registered" as const, ...via(k.now, b), count: brokerIds(nodes).length }] : [])],
    });
    down.k.delete(b);
  };

  // Replace first: a wiped board gets its redundancy back before the desk grows or shrinks.
  for (const b of replaced) {
    if (stays(members(s.was), members(s.now), b)) swarmJoin("replace", b, true);
    if (stays(names(c.was), names(c.now), b)) cassandraJoin("replace", b, true);
    if (stays(names(k.was), names(k.now), b)) kafkaStart("replace", b, true);
  }
  // Add: swarm join, then Cassandra bootstraps one node at a time, then the broker with its ledger id.
  for (const b of [...new Set([...added.s, ...added.c, ...added.k])].sort()) {
    if (added.s.includes(b)) swarmJoin("add", b, false);
    if (added.c.includes(b)) cassandraJoin("add", b, false);
    if (added.k.includes(b)) kafkaStart("add", b, false);
  }
  const newBrokers = added.k.filter((b) => node(k.now, b).broker);
  if (facts.rebalance && newBrokers.length > 0) {
    const at = via(k.now, newBrokers[0]);
    const topics = facts.topics ?? Object.keys(topicReplication(next)).filter((t) => !t.startsWith("__"));
    push("add", "kafka", newBrokers[0], {
      before: [{ kind: "kafka-fully-replicated", ...at }],
      actions: [{ kind: "kafka-reassign", ...at, topics, brokers: brokerIds(k.now) }],
      after: [{ kind: "kafka-reassignment-done", ...at }, { kind: "kafka-fully-replicated", ...at }],
    });
  }
  // Remove, one board at a time: decommission, partitions off, broker stopped, drained, demoted, removed. The Cassandra
  // and Kafka steps are ServiceRoll's own (model/leavingSteps.ts), run with the nodes that stay and run at that point.
  const leaves = (system: "cassandra" | "kafka", stay: readonly RollNode[], leaving: RollNode) => {
    for (const r of leavingSteps(system, stay, { leaving: [leaving] })) {
      push("remove", system, r.board, { before: r.before, after: r.after,
        actions: [...r.actions, ...(r.apply === "remove" ? [{ kind: "service-remove" as const, service: r.service }] : [])] });
    }
  };
  for (const b of [...new Set([...gone.c, ...gone.k, ...gone.s])].sort()) {
    if (gone.c.includes(b)) {
      leaves("cassandra", c.now.filter((x) => !down.c.has(x.board)), node(c.was, b));
      down.c.add(b);
    }
    if (gone.k.includes(b)) {
      leaves("kafka", k.now.filter((x) => !down.k.has(x.board)), node(k.was, b));
      down.k.add(b);
    }
    if (gone.s.includes(b)) {
      push("remove", "swarm", b, { actions: [{ kind: "swarm-drain", manager, node: b }], after: [{ kind: "swarm-node-drained", node: b }] });
      if (s.was.managers.includes(b)) {
        push("remove", "swarm", b, { actions: [{ kind: "swarm-demote", manager, node: b }], after: [{ kind: "swarm-node-role", node: b, role: "worker" }] });
      }
      push("remove", "swarm", b, { actions: [{ kind: "swarm-leave", board: b }, { kind: "swarm-node-remove", manager, node: b, stale: false }],
        after: [{ kind: "swarm-node-gone", node: b }] });
    }
  }
  // Static quorum: a new voter set reaches every node that stays by a roll, brokers first, the active controller last.
  const voters = (nodes: readonly RollNode[]) => nodes.filter((n) => n.controller).map((n) => n.board).sort().join();
  if (voters(k.was) !== voters(k.now)) {
    const stay = names(k.now).filter((b) => names(k.was).includes(b));
    for (const r of kafkaRoll(k.now, new Set(stay), { activeController: facts.activeController }).steps) {
      push("voters", "kafka", r.board, { before: r.before, actions: [{ kind: "service-apply", service: r.service }], after: r.after });
    }
  }
  return { steps };
}

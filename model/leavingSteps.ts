// The steps of a rolled system's membership changes, after its nodes' rolling steps (model/rollPlan.ts): a
// Cassandra node that leaves is decommissioned (its data streamed to the others) before its service goes; a broker
// that leaves has its partitions moved off first, and is unregistered once stopped; brokers that joined get the
// rebalanced topics. Pure, like the rolling plan; the membership rules (model/membershipChange.ts) refuse the
// removals that would lose a quorum before any of this runs.
import { kafkaPorts } from "./kraftQuorum";
import type { Check, RollFacts, RollNode, RollStep, RollSystem, Through } from "./rollPlan";

/** A Kafka check or action run inside this node's container, talking to its broker listener. */
export const through = (n: RollNode): Through => ({ board: n.board, service: n.service, bootstrap: `${n.address}:${kafkaPorts.broker}` });
const sorted = (nodes: readonly RollNode[]) => [...nodes].sort((a, b) => a.board.localeCompare(b.board));

export function leavingSteps(system: RollSystem, nodes: readonly RollNode[], facts: RollFacts): RollStep[] {
  const leaving = sorted(facts.leaving ?? []);
  return system === "cassandra" ? leaving.flatMap((l) => cassandraLeaves(l, nodes, facts.leavingRing?.get(l.board)))
    : leaving.flatMap((l) => kafkaLeaves(l, nodes));
}

function cassandraLeaves(l: RollNode, stay: readonly RollNode[], ring?: "down" | "gone"): RollStep[] {
  const upNormal = (o: RollNode, address: string): Check => ({ kind: "cassandra-up-normal", board: o.board, service: o.service, address });
  const remove: RollStep = { board: l.board, service: l.service, apply: "remove", before: [], actions: [], after: [] };
  // Out of the ring already (a run that stopped after its decommission): only the service is left to remove.
  if (ring === "gone") return [remove];
  const left: Check[] = stay.map((o) => ({ kind: "cassandra-left", board: o.board, service: o.service, address: l.address }));
  if (ring === "down") {
    // It cannot stream its own data: a node that stays removes it and the other replicas stream its ranges, which
    // needs every node that stays Up/Normal.
    const by = stay[0];
    return [{
      board: l.board, service: l.service, apply: "none",
      before: stay.map((o) => upNormal(o, o.address)),
      actions: [{ kind: "cassandra-removenode", board: by.board, service: by.service, address: l.address }],
      after: left,
    }, remove];
  }
  return [
    {
      board: l.board, service: l.service, apply: "none",
      // Decommission streams from the leaving node: it and every node that stays must be Up/Normal.
      before: stay.flatMap((o) => [upNormal(o, o.address), upNormal(o, l.address)]),
      actions: [{ kind: "cassandra-decommission", board: l.board, service: l.service }],
      after: left,
    },
    remove,
  ];
}

function kafkaLeaves(l: RollNode, stay: readonly RollNode[]): RollStep[] {
  const brokers = stay.filter((n) => n.broker);
  const at = through(brokers[0]);
  const quorum: Check[] = l.controller ? [{ kind: "kafka-quorum-caught-up", ...at }] : [];
  const steps: RollStep[] = [];
  if (l.broker) {
    steps.push({
      board: l.board, service: l.service, apply: "none",
      before: [{ kind: "kafka-fully-replicated", ...at }],
      actions: [{ kind: "kafka-reassign", ...at, topics: "all", off: l.nodeId!, brokers: brokers.map((b) => b.nodeId!) }],
      after: [{ kind: "kafka-reassignment-done", ...at }, { kind: "kafka-broker-empty", ...at, nodeId: l.nodeId! }, { kind: "kafka-fully-replicated", ...at }],
    });
  }
  steps.push({ board: l.board, service: l.service, apply: "remove", before: quorum, actions: [], after: quorum });
  if (l.broker) {
    const unregister = { kind: "kafka-unregister" as const, ...at, nodeId: l.nodeId! };
    steps.push({ board: at.board, service: at.service, apply: "none", before: [], actions: [unregister], after: [] });
  }
  return steps;
}

/** Brokers that joined in this run take their share of the rebalanced topics, once every broker is registered. */
export function rebalanceSteps(nodes: readonly RollNode[], facts: RollFacts): RollStep[] {
  const brokers = nodes.filter((n) => n.broker);
  const joined = brokers.filter((b) => facts.existing && facts.existing.size > 0 && !facts.existing.has(b.board));
  if (!facts.rebalance?.length || joined.length === 0) return [];
  const at = through(brokers.find((b) => !joined.includes(b)) ?? brokers[0]);
  return [{
    board: joined[0].board, service: joined[0].service, apply: "none",
    before: [{ kind: "kafka-brokers-registered", ...at, count: brokers.length }, { kind: "kafka-fully-replicated", ...at }],
    actions: [{ kind: "kafka-reassign", ...at, topics: facts.rebalance, brokers: brokers.map((b) => b.nodeId!) }],
    after: [{ kind: "kafka-reassignment-done", ...at }, { kind: "kafka-fully-replicated", ...at }],
  }];
}

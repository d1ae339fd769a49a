// The rolling plan of a stateful system (the KafkaRoller / Cassandra operator idea): which
// node goes when, what must hold before it is stopped and what to wait for after it starts
// again. Pure: the ServiceRoll provider only carries a plan out, and tests check it directly.
// The same plan carries a node through its life: a board that came back empty replaces its old
// self, a new one joins, and one that left the inventory leaves (model/leavingSteps.ts).
import { leavingSteps, rebalanceSteps, through } from "./leavingSteps";

export type RollSystem = "cassandra" | "kafka";

export interface RollNode {
  readonly board: string;
  readonly service: string;
  readonly rack: string;
  readonly address: string;
  readonly nodeId?: number;
  readonly controller?: boolean;
  readonly broker?: boolean;
}

/** Something to wait for, run on `board` inside the container of `service` (or through the swarm API). */
export type Check =
  | { readonly kind: "task-replaced"; readonly service: string }
  | { readonly kind: "cassandra-up-normal"; readonly board: string; readonly service: string; readonly address: string }
  | { readonly kind: "cassandra-serves-cql"; readonly board: string; readonly service: string; readonly address: string }
  | { readonly kind: "kafka-fully-replicated"; readonly board: string; readonly service: string; readonly bootstrap: string }
  | { readonly kind: "kafka-quorum-caught-up"; readonly board: string; readonly service: string; readonly bootstrap: string }
  | { readonly kind: "kafka-brokers-registered"; readonly board: string; readonly service: string; readonly bootstrap: string; readonly count: number }
  /** `address` is gone from the ring as `board` sees it (nodetool status lists it no more). */
  | { readonly kind: "cassandra-left"; readonly board: string; readonly service: string; readonly address: string }
  /** No partition has a replica on broker `nodeId`. */
  | (Through & { readonly kind: "kafka-broker-empty"; readonly nodeId: number })
  | (Through & { readonly kind: "kafka-reassignment-done" });

/** Where a Kafka check or action runs: inside `service` on `board`, talking to `bootstrap`. */
export type Through = { readonly board: string; readonly service: string; readonly bootstrap: string };

export type Action =
  | { readonly kind: "cassandra-drain"; readonly board: string; readonly service: string }
  /** Streams the node's data to the others and takes it out of the ring. */
  | { readonly kind: "cassandra-decommission"; readonly board: string; readonly service: string }
  /** Run on a node that stays: takes the down node at `address` out of the ring, its ranges streamed from the other replicas. */
  | { readonly kind: "cassandra-removenode"; readonly board: string; readonly service: string; readonly address: string }
  /** Moves every replica of `topics` ("all": every topic with a replica on `off`) onto `brokers`, with Kafka's own assignment. */
  | (Through & { readonly kind: "kafka-reassign"; readonly topics: readonly string[] | "all"; readonly brokers: readonly number[]; readonly off?: number })
  /** A stopped broker stays registered (fenced) in KRaft until unregistered. */
  | (Through & { readonly kind: "kafka-unregister"; readonly nodeId: number });

/**
 * What a step does to its node's service between its actions and its after-checks: apply the desired spec ("spec",
 * the default), the spec a joining node starts with ("join": itself left out of its seeds), that spec replacing the
 * node's old self ("replace": -Dcassandra.replace_address_first_boot), remove the service, or nothing.
 */
export type Apply = "spec" | "join" | "replace" | "remove" | "none";

export interface RollStep {
  readonly board: string;
  readonly service: string;
  readonly apply?: Apply;
  /** Must hold before the node is touched (a quorum that survives losing it). */
  readonly before: readonly Check[];
  /** Run just before the new spec is applied (flush and stop taking writes). */
  readonly actions: readonly Action[];
  /** Must hold before the next node is touched. */
  readonly after: readonly Check[];
}

export interface RollPlan {
  readonly system: RollSystem;
  readonly steps: readonly RollStep[];
  /** Waited for once every step is done (a new KRaft cluster serves clients only as a whole). */
  readonly finally: readonly Check[];
}

export interface RollFacts {
  /** The node id of the active KRaft controller, when one is known. */
  readonly activeController?: number;
  /** Boards whose service exists now; absent means all of them. None: the system's first deploy. */
  readonly existing?: ReadonlySet<string>;
  /** Boards whose node does not run now: what protects a quorum from losing them is moot, and they are not drained. */
  readonly down?: ReadonlySet<string>;
  /** Boards that came back empty (fresh OS, data folder gone) while the ring still has them: they replace their old self. */
  readonly replaced?: ReadonlySet<string>;
  /** Boards that list themselves as a seed: joining an existing ring, they start without themselves first. */
  readonly ownSeed?: ReadonlySet<string>;
  /** Nodes of the last run that left the inventory. */
  readonly leaving?: readonly RollNode[];
  /** Leaving Cassandra boards as the ring lists them: "down" (a node that does not run cannot decommission itself), or "gone" (an earlier run took it out). */
  readonly leavingRing?: ReadonlyMap<string, "down" | "gone">;
  /** Topics reassigned to include brokers that joined in this run (the inventory's `rebalance` setting). */
  readonly rebalance?: readonly string[];
}

export const byRackThenName = (a: RollNode, b: RollNode) => a.rack.localeCompare(b.rack) || a.board.localeCompare(b.board);

/** Cassandra: one node at a time, rack by rack; each waits until the others see the new one Up/Normal. */
export function cassandraRoll(nodes: readonly RollNode[], changed: ReadonlySet<string>, facts: RollFacts = {}): RollPlan {
  const replaced = facts.replaced ?? new Set<string>();
  const down = facts.down ?? new Set<string>();
  const order = [...nodes].sort(byRackThenName).filter((n) => changed.has(n.board) || replaced.has(n.board));
  const running = new Set([...(facts.existing ?? nodes.map((n) => n.board))].filter((b) => !replaced.has(b)));
  // A node is only its own seed when it starts a ring: joining one that exists, it must stream from another node.
  const ringExisted = facts.existing !== undefined && running.size > 0;
  const upNormal = (observer: RollNode, address: string): Check => ({ kind: "cassandra-up-normal", board: observer.board, service: observer.service, address });
  const steps = order.flatMap((n) => {
    const up = [...running].filter((b) => b !== n.board).map((b) => nodes.find((x) => x.board === b)!).filter(Boolean);
    const live = running.has(n.board) && !down.has(n.board);
    const apply: Apply = replaced.has(n.board) ? "replace" : !running.has(n.board) && ringExisted && facts.ownSeed?.has(n.board) ? "join" : "spec";
    const after: Check[] = [
      { kind: "task-replaced", service: n.service },
      upNormal(n, n.address),
      ...up.map((o) => upNormal(o, n.address)),
      { kind: "cassandra-serves-cql", board: n.board, service: n.service, address: n.address },
    ];
    const step: RollStep = {
      board: n.board, service: n.service, ...(apply !== "spec" ? { apply } : {}),
      // Every node that runs must be Up/Normal before one stops: RF 3 then keeps a LOCAL_QUORUM.
      before: live ? up.flatMap((o) => [upNormal(o, o.address), upNormal(o, n.address)]) : up.map((o) => upNormal(o, o.address)),
      actions: live ? [{ kind: "cassandra-drain", board: n.board, service: n.service }] : [],
      after,
    };
    running.add(n.board);
    if (apply === "spec") return [step];
    // Joined: the next restart gives it its usual seeds back and drops the replace flag (an ordinary roll step).
    const again: RollStep = {
      board: n.board, service: n.service,
      before: up.flatMap((o) => [upNormal(o, o.address), upNormal(o, n.address)]),
      actions: [{ kind: "cassandra-drain", board: n.board, service: n.service }],
      after,
    };
    return [step, again];
  });
  return { system: "cassandra", steps: [...steps, ...leavingSteps("cassandra", nodes, facts)], finally: [] };
}

/**
 * Kafka: one node at a time, brokers before controllers and the active controller last; a
 * node is touched only when no partition is under-replicated (so stopping it keeps every ISR
 * at min ISR or above) and the next waits until that holds again and the quorum caught up.
 */
export function kafkaRoll(nodes: readonly RollNode[], changed: ReadonlySet<string>, facts: RollFacts = {}): RollPlan {
  const brokers = nodes.filter((n) => n.broker);
  const rank = (n: RollNode) => (!n.controller ? 0 : n.nodeId === facts.activeController ? 2 : 1);
  const order = [...nodes].sort((a, b) => rank(a) - rank(b) || byRackThenName(a, b)).filter((n) => changed.has(n.board));
  const via = (n: RollNode) => brokers.find((b) => b.board !== n.board) ?? n;
  const checksThrough = (via: RollNode, n: RollNode): Check[] => {
    const at = through(via);
    return [{ kind: "kafka-fully-replicated", ...at }, ...(n.controller ? [{ kind: "kafka-quorum-caught-up" as const, ...at }] : [])];
  };
  if (facts.existing?.size === 0) {
    // A KRaft cluster needs a majority of its controllers up before any node is ready.
    const first = brokers[0] ?? nodes[0];
    const at = through(first);
    return {
      system: "kafka",
      steps: order.map((n) => ({ board: n.board, service: n.service, before: [], actions: [], after: [] })),
      finally: [{ kind: "kafka-brokers-registered", ...at, count: brokers.length }],
    };
  }
  const steps = order.map((n): RollStep => ({
    board: n.board, service: n.service,
    // A node that does not run cannot lower an ISR by stopping; waiting for full ISRs first would wait for itself.
    before: facts.down?.has(n.board) ? [] : checksThrough(via(n), n),
    actions: [],
    after: [{ kind: "task-replaced", service: n.service }, ...checksThrough(via(n), n)],
  }));
  const first = brokers.find((b) => facts.existing?.has(b.board) ?? true) ?? brokers[0];
  // A board that came back empty catches up by itself (same node id, storage formatted with the same cluster id):
  // the run is done when every ISR is full again.
  const settled: Check[] = first ? [{ kind: "kafka-fully-replicated", ...through(first) }] : [];
  return { system: "kafka", steps: [...steps, ...rebalanceSteps(nodes, facts), ...leavingSteps("kafka", nodes, facts)], finally: settled };
}

export function rollPlan(system: RollSystem, nodes: readonly RollNode[], changed: ReadonlySet<string>, facts: RollFacts = {}): RollPlan {
  return system === "cassandra" ? cassandraRoll(nodes, changed, facts) : kafkaRoll(nodes, changed, facts);
}

/** A check in words, for progress lines and for the error when a node does not come back. */
export function describeCheck(c: Check): string {
  switch (c.kind) {
    case "task-replaced": return `a new task of ${c.service} running (not the old container)`;
    case "cassandra-up-normal": return `${c.address} Up/Normal as ${c.board} sees it`;
    case "cassandra-serves-cql": return `cassandra on ${c.board} serving CQL`;
    case "kafka-fully-replicated": return `no under-replicated partition (asked through ${c.board})`;
    case "kafka-quorum-caught-up": return `every KRaft voter caught up (asked through ${c.board})`;
    case "kafka-brokers-registered": return `${c.count} brokers registered (asked through ${c.board})`;
    case "cassandra-left": return `${c.address} gone from the ring as ${c.board} sees it`;
    case "kafka-broker-empty": return `no replica left on broker ${c.nodeId} (asked through ${c.board})`;
    case "kafka-reassignment-done": return `no partition reassignment in progress (asked through ${c.board})`;
  }
}

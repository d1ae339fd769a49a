// The rolling plan of a stateful system (the KafkaRoller / Cassandra operator idea): which
// node goes when, what must hold before it is stopped and what to wait for after it starts
// again. Pure: the ServiceRoll provider only carries a plan out, and tests check it directly.

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
  | { readonly kind: "cassandra-serves-cql"; readonly board: string; readonly service: string }
  | { readonly kind: "kafka-fully-replicated"; readonly board: string; readonly service: string; readonly bootstrap: string }
  | { readonly kind: "kafka-quorum-caught-up"; readonly board: string; readonly service: string; readonly bootstrap: string }
  | { readonly kind: "kafka-brokers-registered"; readonly board: string; readonly service: string; readonly bootstrap: string; readonly count: number };

export type Action = { readonly kind: "cassandra-drain"; readonly board: string; readonly service: string };

export interface RollStep {
  readonly board: string;
  readonly service: string;
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
}

const byRackThenName = (a: RollNode, b: RollNode) => a.rack.localeCompare(b.rack) || a.board.localeCompare(b.board);
const kafkaPort = 9092;

/** Cassandra: one node at a time, rack by rack; each waits until the others see the new one Up/Normal. */
export function cassandraRoll(nodes: readonly RollNode[], changed: ReadonlySet<string>, facts: RollFacts = {}): RollPlan {
  const order = [...nodes].sort(byRackThenName).filter((n) => changed.has(n.board));
  const running = new Set(facts.existing ?? nodes.map((n) => n.board));
  const steps = order.map((n) => {
    const up = [...running].filter((b) => b !== n.board).map((b) => nodes.find((x) => x.board === b)!);
    const upNormal = (observer: RollNode, address: string): Check => ({
      kind: "cassandra-up-normal", board: observer.board, service: observer.service, address,
    });
    const step: RollStep = {
      board: n.board, service: n.service,
      // Every node that runs must be Up/Normal before one stops: RF 3 then keeps a LOCAL_QUORUM.
      before: running.has(n.board) ? up.flatMap((o) => [upNormal(o, o.address), upNormal(o, n.address)]) : up.map((o) => upNormal(o, o.address)),
      actions: running.has(n.board) ? [{ kind: "cassandra-drain", board: n.board, service: n.service }] : [],
      after: [
        { kind: "task-replaced", service: n.service },
        upNormal(n, n.address),
        ...up.map((o) => upNormal(o, n.address)),
        { kind: "cassandra-serves-cql", board: n.board, service: n.service },
      ],
    };
    running.add(n.board);
    return step;
  });
  return { system: "cassandra", steps, finally: [] };
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
  const checksThrough = (through: RollNode, n: RollNode): Check[] => {
    const at = { board: through.board, service: through.service, bootstrap: `${through.address}:${kafkaPort}` };
    return [{ kind: "kafka-fully-replicated", ...at }, ...(n.controller ? [{ kind: "kafka-quorum-caught-up" as const, ...at }] : [])];
  };
  if (facts.existing?.size === 0) {
    // A KRaft cluster needs a majority of its controllers up before any node is ready.
    const first = brokers[0] ?? nodes[0];
    const at = { board: first.board, service: first.service, bootstrap: `${first.address}:${kafkaPort}` };
    return {
      system: "kafka",
      steps: order.map((n) => ({ board: n.board, service: n.service, before: [], actions: [], after: [] })),
      finally: [{ kind: "kafka-brokers-registered", ...at, count: brokers.length }],
    };
  }
  const steps = order.map((n): RollStep => ({
    board: n.board, service: n.service,
    before: checksThrough(via(n), n),
    actions: [],
    after: [{ kind: "task-replaced", service: n.service }, ...checksThrough(via(n), n)],
  }));
  return { system: "kafka", steps, finally: [] };
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
  }
}

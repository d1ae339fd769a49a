// The rolling plans, without boards: Cassandra rack by rack with every other node watching the
// restarted one come back; Kafka brokers first, the active controller last, never with a
// partition under-replicated; only changed nodes are touched.
import assert from "node:assert/strict";
import { cassandraRoll, kafkaRoll, RollNode } from "../model/rollPlan";
import { checkScript } from "../model/rollChecks";

function ring(size: number, racks: number): RollNode[] {
  return Array.from({ length: size }, (_, i) => ({
    board: `n${String(i + 1).padStart(2, "0")}`, service: `cassandra-n${i + 1}`, rack: `rack-${(i % racks) + 1}`, address: `10.0.0.${i + 1}`,
  }));
}
const all = (nodes: RollNode[]) => new Set(nodes.map((n) => n.board));
const kinds = (cs: readonly { kind: string }[]) => cs.map((c) => c.kind);

describe("rolling plan: Cassandra", () => {
  for (const [size, racks] of [[3, 3], [3, 2], [5, 2], [5, 3], [9, 3], [9, 4]] as const) {
    it(`${size} nodes over ${racks} racks: one at a time, rack by rack, gated on every other node`, () => {
      const nodes = ring(size, racks);
      const plan = cassandraRoll(nodes, all(nodes));
      assert.equal(plan.steps.length, size);
      const rackOrder = plan.steps.map((s) => nodes.find((n) => n.board === s.board)!.rack);
      // Rack by rack: once the roll leaves a rack it never comes back to it.
      const seen: string[] = [];
      for (const r of rackOrder) if (seen.at(-1) !== r) { assert.ok(!seen.includes(r), `rack ${r} revisited: ${rackOrder}`); seen.push(r); }
      for (const s of plan.steps) {
        const others = nodes.filter((n) => n.board !== s.board);
        const me = nodes.find((n) => n.board === s.board)!;
        assert.deepEqual(kinds(s.actions), ["cassandra-drain"]);
        // Before: every other node is Up/Normal as it sees itself and sees this one.
        assert.equal(s.before.length, 2 * others.length);
        assert.equal(s.after[0].kind, "task-replaced");
        const watchers = s.after.filter((c) => c.kind === "cassandra-up-normal").map((c) => (c as { board: string }).board).sort();
        assert.deepEqual(watchers, nodes.map((n) => n.board).sort(), "every node must see the restarted one Up/Normal");
        assert.ok(s.after.every((c) => c.kind !== "cassandra-up-normal" || c.address === me.address));
        assert.equal(s.after.at(-1)!.kind, "cassandra-serves-cql");
      }
    });
  }

  it("touches only the nodes whose spec changed", () => {
    const nodes = ring(5, 2);
    assert.deepEqual(cassandraRoll(nodes, new Set(["n03"])).steps.map((s) => s.board), ["n03"]);
    assert.deepEqual(cassandraRoll(nodes, new Set()).steps, []);
  });

  it("joins a new ring one node at a time, each waiting only for the nodes already up", () => {
    const nodes = ring(3, 3);
    const plan = cassandraRoll(nodes, all(nodes), { existing: new Set() });
    assert.deepEqual(plan.steps.map((s) => [s.before.length, s.actions.length]), [[0, 0], [1, 0], [2, 0]]);
    assert.deepEqual(plan.steps[2].after.filter((c) => c.kind === "cassandra-up-normal").length, 3);
  });
});

describe("rolling plan: Kafka", () => {
  const nodes: RollNode[] = [
    { board: "c1", service: "kafka-c1", rack: "r1", address: "10.0.1.1", nodeId: 1, controller: true, broker: true },
    { board: "c2", service: "kafka-c2", rack: "r2", address: "10.0.1.2", nodeId: 2, controller: true, broker: true },
    { board: "c3", service: "kafka-c3", rack: "r3", address: "10.0.1.3", nodeId: 3, controller: true },
    { board: "b1", service: "kafka-b1", rack: "r1", address: "10.0.1.4", nodeId: 11, broker: true },
    { board: "b2", service: "kafka-b2", rack: "r2", address: "10.0.1.5", nodeId: 12, broker: true },
  ];

  for (const active of [1, 2, 3]) {
    it(`rolls brokers first and the active controller (${active}) last`, () => {
      const plan = kafkaRoll(nodes, all(nodes), { activeController: active });
      const order = plan.steps.map((s) => s.board);
      assert.deepEqual(order.slice(0, 2), ["b1", "b2"]);
      assert.equal(order.at(-1), `c${active}`);
      assert.equal(new Set(order).size, nodes.length);
    });
  }

  it("never stops a node while a partition is under-replicated, and waits for full ISRs after it", () => {
    for (const s of kafkaRoll(nodes, all(nodes), { activeController: 2 }).steps) {
      const me = nodes.find((n) => n.board === s.board)!;
      assert.ok(kinds(s.before).includes("kafka-fully-replicated"));
      assert.deepEqual(kinds(s.after).slice(0, 2), ["task-replaced", "kafka-fully-replicated"]);
      // Asked through another broker: the restarted one cannot answer for itself.
      assert.ok([...s.before, ...s.after].every((c) => !("board" in c) || c.board !== s.board));
      assert.equal(kinds(s.after).includes("kafka-quorum-caught-up"), !!me.controller);
    }
  });

  it("starts a new cluster all at once and waits for every broker (KRaft needs a controller majority)", () => {
    const plan = kafkaRoll(nodes, all(nodes), { existing: new Set() });
    assert.ok(plan.steps.every((s) => s.before.length === 0 && s.after.length === 0));
    assert.deepEqual(plan.finally.map((c) => [c.kind, (c as { count: number }).count]), [["kafka-brokers-registered", 4]]);
  });

  it("turns each check into a shell test run inside the right container", () => {
    const s = kafkaRoll(nodes, new Set(["c1"]), { activeController: 2 }).steps[0];
    assert.match(checkScript(s.before[0])!, /com\.docker\.swarm\.service\.name=kafka-c2 .*--under-replicated-partitions/);
    assert.match(checkScript({ kind: "cassandra-up-normal", board: "n1", service: "cassandra-n1", address: "10.0.0.2" })!, /\^UN \+10\\\.0\\\.0\\\.2 /);
  });
});

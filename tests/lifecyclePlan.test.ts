// The board lifecycle plan, without boards: which steps, in which order, for a board that
// comes back empty, one that joins and one that leaves, on 3- and 5-node rings (the lab's
// three boards, plus workers with cassandra and kafka-broker).
import assert from "node:assert/strict";
import { Inventory } from "../model/inventory";
import { LifecycleAction, LifecyclePlan, LifecycleStep, describeLifecycleCheck } from "../model/lifecycleSteps";
import { lifecyclePlan } from "../model/lifecyclePlan";
import { stack } from "./helpers";

const address = (n: number) => `172.30.77.${10 + n}`;
/** The lab, whose ring is lab1..lab3, with worker boards lab5.. (cassandra, kafka-broker) added over racks 1-3. */
function desk(ring: number, edit?: (boards: { name: string; roles: string[] }[]) => void): Inventory {
  return stack("lab", (raw) => {
    for (let i = 5; i < 5 + ring - 3; i++) {
      raw.boards.push({
        name: `lab${i}`, model: "lab", ramMb: 4096, arch: "amd64", rack: `rack-${((i - 5) % 3) + 1}`,
        interfaces: [{ name: "eth0", kind: "wired", address: address(i) }], roles: ["swarm-worker", "cassandra", "kafka-broker"],
      });
      raw.identity.kafka[`lab${i}`] = i;
    }
    edit?.(raw.boards as { name: string; roles: string[] }[]);
  });
}
const shape = (p: LifecyclePlan) => p.steps.map((s) => `${s.phase} ${s.system} ${s.board}: ${s.actions.map((a) => a.kind).join(",")}`);
const action = <K extends LifecycleAction["kind"]>(s: LifecycleStep, kind: K) =>
  s.actions.find((a): a is Extract<LifecycleAction, { kind: K }> => a.kind === kind)!;
const observers = (s: LifecycleStep, kind: string, addr: string) =>
  s.before.concat(s.after).filter((c) => c.kind === kind && "address" in c && c.address === addr).map((c) => (c as { board: string }).board).sort();

describe("lifecycle plan: replace a board that comes back empty", () => {
  it("3-node ring, a controller and manager (lab3): stale swarm node out, join, Cassandra replaces itself, Kafka formatted with its id", () => {
    const plan = lifecyclePlan(desk(3), desk(3), { replaced: new Set(["lab3"]) });
    assert.deepEqual(shape(plan), [
      "replace swarm lab3: swarm-demote,swarm-node-remove,swarm-join",
      "replace cassandra lab3: cassandra-start",
      "replace cassandra lab3: cassandra-drain,cassandra-start",
      "replace kafka lab3: kafka-format-storage,service-apply",
    ]);
    const [swarm, replace, again, kafka] = plan.steps;
    assert.deepEqual(action(swarm, "swarm-node-remove"), { kind: "swarm-node-remove", manager: "lab1", node: "lab3", stale: true });
    assert.equal(action(swarm, "swarm-join").role, "manager");
    assert.equal(action(swarm, "swarm-join").labels["deskcluster.rack"], "rack-3");
    // The replacement names its own address, and its seeds are the others: it is never its own seed.
    const start = action(replace, "cassandra-start");
    assert.equal(start.replaceAddress, address(3));
    assert.deepEqual(start.seeds, [address(1), address(2)]);
    assert.deepEqual(observers(replace, "cassandra-up-normal", address(3)), ["lab1", "lab2", "lab3"]);
    // Before it starts, only the others are asked (lab3's old entry is down): each sees itself Up/Normal.
    assert.deepEqual(replace.before.map((c) => (c as { board: string }).board), ["lab1", "lab2"]);
    // The next restart drops the flag and goes back to the ring's seed list.
    assert.equal(action(again, "cassandra-start").replaceAddress, undefined);
    assert.deepEqual(action(again, "cassandra-start").seeds, [address(1), address(2), address(3)]);
    assert.deepEqual(action(kafka, "kafka-format-storage").nodeId, 3);
    // Its partitions are under-replicated while it is away: the quorum is asked first, not the ISR.
    assert.deepEqual(kafka.before.map((c) => c.kind), ["kafka-quorum-caught-up"]);
    assert.notEqual((kafka.before[0] as { board: string }).board, "lab3");
    assert.deepEqual(kafka.after.map((c) => c.kind), ["task-replaced", "kafka-fully-replicated", "kafka-quorum-caught-up", "kafka-brokers-registered"]);
  });

  it("5-node ring, a worker (lab6): no demotion, Cassandra waits for the four others, a broker that is no controller asks nothing first", () => {
    const plan = lifecyclePlan(desk(5), desk(5), { replaced: new Set(["lab6"]) });
    assert.deepEqual(shape(plan), [
      "replace swarm lab6: swarm-node-remove,swarm-join",
      "replace cassandra lab6: cassandra-start",
      "replace cassandra lab6: cassandra-drain,cassandra-start",
      "replace kafka lab6: kafka-format-storage,service-apply",
    ]);
    assert.equal(action(plan.steps[0], "swarm-join").role, "worker");
    assert.deepEqual(plan.steps[1].before.map((c) => (c as { board: string }).board), ["lab1", "lab2", "lab3", "lab5"]);
    assert.ok(!action(plan.steps[1], "cassandra-start").seeds.includes(address(6)));
    assert.deepEqual(plan.steps[3].before, []);
  });
});

describe("lifecycle plan: add a board", () => {
  for (const ring of [3, 5]) {
    it(`${ring}-node ring: swarm join, Cassandra bootstraps gated on every running node, the broker starts, topics move only on rebalance`, () => {
      const n = ring + 2; // the new board lab<n>
      const plan = lifecyclePlan(desk(ring), desk(ring + 1), { rebalance: true });
      assert.deepEqual(shape(plan), [`add swarm lab${n}: swarm-join`, `add cassandra lab${n}: cassandra-start`,
        `add kafka lab${n}: service-apply`, `add kafka lab${n}: kafka-reassign`]);
      const [, join, broker, reassign] = plan.steps;
      assert.equal(join.before.length, ring, "every running node Up/Normal before the join");
      assert.equal(observers(join, "cassandra-up-normal", address(n)).length, ring + 1);
      assert.ok(!action(join, "cassandra-start").seeds.includes(address(n)), "a new node is not its own seed");
      assert.equal(action(join, "cassandra-start").replaceAddress, undefined);
      assert.deepEqual(broker.after.at(-1), { kind: "kafka-brokers-registered", board: "lab1", service: "kafka-lab1", bootstrap: `${address(1)}:9092`,
        count: ring + 1 });
      assert.deepEqual(action(reassign, "kafka-reassign").topics, ["deskcluster.health"]);
      assert.equal(action(reassign, "kafka-reassign").brokers.length, ring + 1);
      assert.ok(!shape(lifecyclePlan(desk(ring), desk(ring + 1))).some((s) => s.includes("kafka-reassign")), "no rebalance unless asked");
    });
  }

  it("two boards join one at a time: the second waits for the first to be Up/Normal", () => {
    const plan = lifecyclePlan(desk(3), desk(5));
    const joins = plan.steps.filter((s) => s.system === "cassandra");
    assert.deepEqual(joins.map((s) => s.board), ["lab5", "lab6"]);
    assert.deepEqual(joins[1].before.map((c) => (c as { board: string }).board), ["lab1", "lab2", "lab3", "lab5"]);
  });
});

describe("lifecycle plan: remove a board", () => {
  for (const ring of [4, 5]) {
    it(`${ring}-node ring: decommission, partitions off, broker stopped, drained, removed from the node list`, () => {
      const b = `lab${ring + 1}`;
      const plan = lifecyclePlan(desk(ring), desk(ring - 1));
      assert.deepEqual(shape(plan), [
        `remove cassandra ${b}: cassandra-decommission`, `remove cassandra ${b}: service-remove`,
        // As ServiceRoll runs it: the broker stopped, then unregistered through a broker that stays.
        `remove kafka ${b}: kafka-reassign`, `remove kafka ${b}: service-remove`, "remove kafka lab1: kafka-unregister",
        `remove swarm ${b}: swarm-drain`, `remove swarm ${b}: swarm-leave,swarm-node-remove`,
      ]);
      const [decommission, , off] = plan.steps;
      assert.equal(decommission.before.length, 2 * (ring - 1), "every node Up/Normal, as itself and as the others see it");
      assert.equal(observers(decommission, "cassandra-left", address(ring + 1)).length, ring - 1);
      const move = action(off, "kafka-reassign");
      assert.equal(move.off, ring + 1);
      assert.ok(!move.brokers.includes(ring + 1));
      assert.deepEqual(off.after.map((c) => c.kind), ["kafka-reassignment-done", "kafka-broker-empty", "kafka-fully-replicated"]);
    });
  }

  it("a manager is demoted after its drain and before it leaves", () => {
    const prev = desk(4, (boards) => { boards.find((x) => x.name === "lab4")!.roles.splice(0, 1, "swarm-manager"); });
    const plan = lifecyclePlan(prev, desk(4, (boards) => boards.splice(boards.findIndex((x) => x.name === "lab4"), 1)));
    assert.deepEqual(shape(plan), ["remove swarm lab4: swarm-drain", "remove swarm lab4: swarm-demote", "remove swarm lab4: swarm-leave,swarm-node-remove"]);
  });

  it("a controller leaving rolls the nodes that stay with the new voters, the active controller last", () => {
    const next = desk(3, (boards) => { const r = boards.find((x) => x.name === "lab3")!.roles; r.splice(r.indexOf("kafka-controller"), 1); });
    const plan = lifecyclePlan(desk(3), next, { activeController: 1 });
    assert.deepEqual(plan.steps.filter((s) => s.phase === "voters").map((s) => s.board), ["lab3", "lab2", "lab1"]);
  });
});

describe("lifecycle plan: words", () => {
  it("every check of every plan reads as words", () => {
    const plans = [lifecyclePlan(desk(3), desk(3), { replaced: new Set(["lab3"]) }), lifecyclePlan(desk(3), desk(4), { rebalance: true }),
      lifecyclePlan(desk(5), desk(4))];
    for (const s of plans.flatMap((p) => p.steps)) for (const c of [...s.before, ...s.after]) assert.ok(describeLifecycleCheck(c).length > 0, c.kind);
  });
});

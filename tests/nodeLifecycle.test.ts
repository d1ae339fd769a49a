// The rolling plan carrying nodes through their life, without boards: a board read back empty replaces its old
// self and then restarts with its usual spec; a node that is its own seed joins an existing ring without itself;
// a node that does not run is neither drained nor waited for; a leaving node is decommissioned (Cassandra; removed by a
// node that stays when it is down) or emptied (Kafka) before its service goes; brokers that join take a share of the rebalanced topics.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replacingSpec } from "../model/cassandraConfig";
import { actionScript, checkScript, parseRingStatus, removeNodeScript } from "../model/rollChecks";
import { cassandraRoll, kafkaRoll, RollNode } from "../model/rollPlan";
import { pinnedServiceSpec } from "../model/swarmServiceSpec";

const ring: RollNode[] = [1, 2, 3].map((i) => ({ board: `n${i}`, service: `cassandra-n${i}`, rack: `rack-${i}`, address: `10.0.0.${i}` }));
const brokers: RollNode[] = [1, 2, 3, 4].map((i) => ({
  board: `k${i}`, service: `kafka-k${i}`, rack: `rack-${i}`, address: `10.0.1.${i}`, nodeId: i, controller: i < 4, broker: true,
}));
const names = (xs: readonly RollNode[]) => new Set(xs.map((n) => n.board));
const kinds = (cs: readonly { kind: string }[]) => cs.map((c) => c.kind);

describe("node lifecycle in the rolling plan: Cassandra", () => {
  it("replaces a node read back empty, then restarts it with its usual spec (the flag gone)", () => {
    const plan = cassandraRoll(ring, new Set(), { existing: names(ring), replaced: new Set(["n2"]), down: new Set(["n2"]) });
    assert.deepEqual(plan.steps.map((s) => [s.board, s.apply ?? "spec"]), [["n2", "replace"], ["n2", "spec"]]);
    const [replace, again] = plan.steps;
    // Not running: nothing to drain, and only the others must be Up/Normal first (never itself).
    assert.deepEqual(replace.actions, []);
    assert.ok(replace.before.every((c) => c.kind === "cassandra-up-normal" && c.address !== "10.0.0.2"));
    assert.equal(replace.before.length, 2);
    assert.deepEqual(kinds(again.actions), ["cassandra-drain"]);
    for (const s of plan.steps) assert.equal(s.after.filter((c) => c.kind === "cassandra-up-normal").length, 3);
  });

  it("lets a node that is its own seed join an existing ring without itself, but not start a new one so", () => {
    const three = ring.slice(0, 2);
    const plan = cassandraRoll(ring, new Set(["n3"]), { existing: names(three), ownSeed: names(ring) });
    assert.deepEqual(plan.steps.map((s) => s.apply ?? "spec"), ["join", "spec"]);
    const first = cassandraRoll(ring, names(ring), { existing: new Set(), ownSeed: names(ring) });
    assert.deepEqual(first.steps.map((s) => s.apply ?? "spec"), ["spec", "spec", "spec"]);
  });

  it("does not drain or wait for a node that does not run (a crashed task would wait for itself)", () => {
    const s = cassandraRoll(ring, new Set(["n1"]), { existing: names(ring), down: new Set(["n1"]) }).steps[0];
    assert.deepEqual(s.actions, []);
    assert.ok(s.before.every((c) => c.kind !== "cassandra-up-normal" || c.address !== "10.0.0.1"));
  });

  it("decommissions a leaving node while every node is Up/Normal, waits until the others see it gone, then removes it", () => {
    const leaving = { board: "n4", service: "cassandra-n4", rack: "rack-1", address: "10.0.0.4" };
    const plan = cassandraRoll(ring, new Set(), { existing: names(ring), leaving: [leaving] });
    assert.deepEqual(plan.steps.map((s) => [s.board, s.apply]), [["n4", "none"], ["n4", "remove"]]);
    assert.deepEqual(kinds(plan.steps[0].actions), ["cassandra-decommission"]);
    assert.deepEqual(plan.steps[0].after.map((c) => (c as { board: string }).board), ["n1", "n2", "n3"]);
    assert.ok(plan.steps[0].after.every((c) => c.kind === "cassandra-left" && c.address === "10.0.0.4"));
    assert.ok(plan.steps[0].before.some((c) => c.kind === "cassandra-up-normal" && c.address === "10.0.0.4"));
  });

  it("has a node that stays remove a leaving node the ring lists as down; one the ring lists no more only loses its service", () => {
    const leaving = { board: "n4", service: "cassandra-n4", rack: "rack-1", address: "10.0.0.4" };
    const down = cassandraRoll(ring, new Set(), { existing: names(ring), leaving: [leaving], leavingRing: new Map([["n4", "down" as const]]) });
    assert.deepEqual(down.steps.map((s) => [s.board, s.apply]), [["n4", "none"], ["n4", "remove"]]);
    assert.deepEqual(down.steps[0].actions, [{ kind: "cassandra-removenode", board: "n1", service: "cassandra-n1", address: "10.0.0.4" }]);
    assert.ok(down.steps[0].before.every((c) => c.kind === "cassandra-up-normal" && c.address !== "10.0.0.4"), "no wait for the down node");
    assert.deepEqual(down.steps[0].before.length, 3);
    assert.ok(down.steps[0].after.every((c) => c.kind === "cassandra-left" && c.address === "10.0.0.4"));
    const gone = cassandraRoll(ring, new Set(), { existing: names(ring), leaving: [leaving], leavingRing: new Map([["n4", "gone" as const]]) });
    assert.deepEqual(gone.steps.map((s) => [s.board, s.apply, s.actions.length, s.before.length]), [["n4", "remove", 0, 0]]);
  });

  it("finds the down node's host id in nodetool status for removenode (load in one word or two), and is done when it is gone", () => {
    const dir = mkdtempSync(join(tmpdir(), "deskcluster-removenode-"));
    const log = join(dir, "calls");
    writeFileSync(join(dir, "nodetool"), [
      "#!/bin/sh", `[ "$1" = status ] || { echo "$*" >> ${log}; exit 0; }`,
      "echo 'Datacenter: lab1'", "echo '--  Address      Load        Tokens  Owns  Host ID                               Rack'",
      "echo 'UN  10.0.0.1     1.02 MiB    16      ?     0b6c2a0e-5a77-4f0e-9a55-2b1d0f6a7c11  rack-1'",
      "echo 'DN  10.0.0.4     ?           16      ?     7d1e4f3a-0c2b-4e8d-b9a1-5f6e7d8c9b00  rack-1'",
    ].join("\n"));
    chmodSync(join(dir, "nodetool"), 0o755);
    const run = (address: string) => spawnSync("sh", ["-c", removeNodeScript(address)], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    try {
      assert.equal(run("10.0.0.4").status, 0);
      assert.equal(run("10.0.0.9").status, 0, "a node the ring lists no more: nothing to remove");
      assert.equal(readFileSync(log, "utf8"), "removenode 7d1e4f3a-0c2b-4e8d-b9a1-5f6e7d8c9b00\n");
      assert.match(actionScript({ kind: "cassandra-removenode", board: "n1", service: "cassandra-n1", address: "10.0.0.4" }), /docker exec "\$ctr" sh -c/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts the replace flag into the JVM options only, and reads the ring from nodetool status", () => {
    const env0 = { JVM_EXTRA_OPTS: "-Dx=1", A: "b" };
    const spec = pinnedServiceSpec({ name: "c", board: "n1", image: "i", env: env0, memoryMb: 1, network: "host", endpointMode: "dnsrr" });
    const env = (replacingSpec(spec, "10.0.0.1").TaskTemplate as { ContainerSpec: { Env: string[] } }).ContainerSpec.Env;
    assert.deepEqual(env, ["A=b", "JVM_EXTRA_OPTS=-Dx=1 -Dcassandra.replace_address_first_boot=10.0.0.1"]);
    const status = ["Datacenter: lab1", "--  Address       Load  Tokens  Owns  Host ID  Rack",
      "UN  10.0.0.1  1 MiB  16  ?  a  rack-1", "DN  10.0.0.2  1 MiB  16  ?  b  rack-2", ""].join("\n");
    assert.deepEqual([...parseRingStatus(status)], [["10.0.0.1", "UN"], ["10.0.0.2", "DN"]]);
  });
});

describe("node lifecycle in the rolling plan: Kafka", () => {
  const stay = brokers.slice(0, 3);
  it("moves a leaving broker's partitions off before it stops, and unregisters it after", () => {
    const plan = kafkaRoll(stay, new Set(), { existing: names(stay), leaving: [brokers[3]] });
    assert.deepEqual(plan.steps.map((s) => s.apply), ["none", "remove", "none"]);
    const [move, remove, unregister] = plan.steps;
    const at = { board: "k1", service: "kafka-k1", bootstrap: "10.0.1.1:9092" };
    assert.deepEqual(move.actions, [{ kind: "kafka-reassign", ...at, topics: "all", off: 4, brokers: [1, 2, 3] }]);
    assert.deepEqual(kinds(move.after), ["kafka-reassignment-done", "kafka-broker-empty", "kafka-fully-replicated"]);
    assert.equal(remove.board, "k4");
    assert.deepEqual(kinds(unregister.actions), ["kafka-unregister"]);
    assert.deepEqual(kinds(plan.finally), ["kafka-fully-replicated"]);
    assert.match(actionScript(move.actions[0]), /kafka-reassign-partitions --bootstrap-server 10\.0\.1\.1:9092 .*--broker-list 1,2,3 --generate/);
    assert.match(checkScript(move.after[1])!, /r\[j\] == "4"/);
  });

  it("rebalances the named topics onto a broker that joined, once it is registered", () => {
    const plan = kafkaRoll(brokers, new Set(["k4"]), { existing: names(stay), rebalance: ["deskcluster.health"] });
    assert.deepEqual(plan.steps.map((s) => [s.board, s.apply ?? "spec"]), [["k4", "spec"], ["k4", "none"]]);
    const r = plan.steps[1];
    assert.deepEqual(r.before[0], { kind: "kafka-brokers-registered", board: "k1", service: "kafka-k1", bootstrap: "10.0.1.1:9092", count: 4 });
    const at = { board: "k1", service: "kafka-k1", bootstrap: "10.0.1.1:9092" };
    assert.deepEqual(r.actions[0], { kind: "kafka-reassign", ...at, topics: ["deskcluster.health"], brokers: [1, 2, 3, 4] });
    assert.deepEqual(kafkaRoll(brokers, new Set(["k4"]), { existing: names(stay) }).steps.length, 1, "no rebalance unless asked");
  });

  it("does not wait for full ISRs before starting a node that does not run (it would wait for itself)", () => {
    const s = kafkaRoll(stay, new Set(["k2"]), { existing: names(stay), down: new Set(["k2"]) }).steps[0];
    assert.deepEqual(s.before, []);
    assert.deepEqual(kinds(s.after), ["task-replaced", "kafka-fully-replicated", "kafka-quorum-caught-up"]);
  });
});

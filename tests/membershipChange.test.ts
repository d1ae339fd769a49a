// The membership rules, one case each: the refusal's message, board and field, from the lab's
// real inventory and one edit, and through ServiceRoll's check (what `pulumi preview` prints).
import assert from "node:assert/strict";
import { Inventory, InventoryInput } from "../model/inventory";
import { membershipOf, rollMembership } from "../model/membership";
import { classify, membershipRefusals } from "../model/membershipChange";
import { cassandraRollNodes, kafkaRollNodes } from "../model/rollNodes";
import { planCluster } from "../model/clusterPlan";
import { keyspaceReplication, topicReplication } from "../model/replication";
import { Violation } from "../model/violation";
import { serviceRollProvider, ServiceRollInputs } from "../providers/serviceRoll";
import { stack } from "./helpers";

type Boards = InventoryInput["boards"];
const lab = stack("lab");
const edited = (edit: (boards: Boards, raw: InventoryInput) => void): Inventory => stack("lab", (raw) => edit(raw.boards, raw));
const roles = (boards: Boards, name: string) => boards.find((b) => b.name === name)!.roles;
const drop = (boards: Boards, name: string, role: Boards[number]["roles"][number]) => {
  const r = roles(boards, name);
  r.splice(r.indexOf(role), 1);
};
const lab5 = (boards: Boards, raw: InventoryInput) => {
  boards.push({ name: "lab5", model: "lab", ramMb: 4096, arch: "amd64", rack: "rack-1",
    interfaces: [{ name: "eth0", kind: "wired", address: "172.30.77.15" }], roles: ["swarm-worker", "cassandra", "kafka-broker"] });
  raw.identity.kafka.lab5 = 5;
};
const refusals = (prev: Inventory, next: Inventory, replaced?: Set<string>) => membershipRefusals(membershipOf(prev), membershipOf(next), replaced);
const one = (vs: Violation[], match: RegExp): Violation => {
  const hits = vs.filter((v) => match.test(v.message));
  assert.equal(hits.length, 1, `one refusal matching ${match}, got: ${JSON.stringify(vs, null, 1)}`);
  return hits[0];
};

describe("membership change: classification", () => {
  it("names boards kept, added, removed and replaced per role", () => {
    const next = edited((boards, raw) => { lab5(boards, raw); drop(boards, "lab2", "cassandra"); });
    assert.deepEqual(classify(membershipOf(lab), membershipOf(next), "cassandra", new Set(["lab3"])),
      { kept: ["lab1", "lab3"], added: ["lab5"], removed: ["lab2"], replaced: ["lab3"] });
    assert.deepEqual(classify(membershipOf(lab), membershipOf(next), "kafka-controller").kept, ["lab1", "lab2", "lab3"]);
  });

  it("refuses nothing on a first deploy, an unchanged desk, or a board that joins", () => {
    assert.deepEqual(membershipRefusals(undefined, membershipOf(lab)), []);
    assert.deepEqual(refusals(lab, lab), []);
    assert.deepEqual(refusals(lab, edited(lab5)), []);
    // Back from four nodes to three: still the factor of every keyspace and topic.
    assert.deepEqual(refusals(edited(lab5), lab), []);
  });
});

describe("membership change: refusals", () => {
  it("a Cassandra node removed below a keyspace's replication factor", () => {
    const vs = refusals(lab, edited((boards) => drop(boards, "lab3", "cassandra")));
    const v = one(vs, /keyspace deskcluster$/);
    assert.deepEqual(v, { rule: "membership", board: "lab3", field: "roles",
      message: "removing this Cassandra node leaves 2 nodes, fewer than the replication factor 3 of keyspace deskcluster" });
    // The factor the keyspace was created with counts, not the new inventory's min(3, nodes) = 2.
    assert.equal(keyspaceReplication(edited((boards) => drop(boards, "lab3", "cassandra"))).deskcluster, 2);
    one(vs, /keyspace system_auth$/);
    one(vs, /keyspace data_endpoint_auth$/);
  });

  it("a Kafka broker removed below a topic's replication factor", () => {
    const v = one(refusals(lab, edited((boards) => drop(boards, "lab2", "kafka-broker"))), /topic deskcluster\.health$/);
    assert.deepEqual([v.board, v.field, v.message], ["lab2", "roles",
      "removing this Kafka broker leaves 2 brokers, fewer than the replication factor 3 of topic deskcluster.health"]);
  });

  it("the KRaft majority lost: two of three controllers leave in one run", () => {
    const vs = refusals(lab, edited((boards) => { drop(boards, "lab2", "kafka-controller"); drop(boards, "lab3", "kafka-controller"); }));
    const v = one(vs, /^KRaft controllers change/);
    assert.deepEqual([v.board, v.field], ["lab2", "roles"]);
    assert.equal(v.message, "KRaft controllers change from 3 (lab1, lab2, lab3) to 1 (lab1) in one run: only 1 untouched (lab1), "
      + "not a majority of the 3 KRaft controllers before it; the quorum would be lost");
  });

  it("the KRaft majority lost in the new voter set: one controller grows to three at once (static quorum)", () => {
    const prev = edited((boards) => { drop(boards, "lab2", "kafka-controller"); drop(boards, "lab3", "kafka-controller"); });
    const v = one(refusals(prev, lab), /^KRaft controllers change/);
    assert.deepEqual([v.board, v.field], ["lab2", "roles"]);
    assert.match(v.message, /only 1 untouched \(lab1\), not a majority of the 3 KRaft controllers after it/);
    // Half is not a majority: one controller to two is refused too.
    const two = edited((boards) => drop(boards, "lab3", "kafka-controller"));
    assert.match(one(refusals(prev, two), /^KRaft controllers change/).message,
      /only 1 untouched \(lab1\), not a majority of the 2 KRaft controllers after it/);
    // Swarm adds managers one raft change at a time: the same growth of managers is not refused.
    const managers = (n: number) => edited((boards) => boards.slice(n).forEach((b) => roles(boards, b.name).splice(0, 1, "swarm-worker")));
    assert.deepEqual(refusals(managers(1), managers(3)).filter((x) => /swarm/.test(x.message)), []);
  });

  it("the swarm-manager majority lost: the only manager's role moves to another board", () => {
    const only = (name: string) => edited((boards) => boards.forEach((b) => {
      if (b.name !== "lab4") roles(boards, b.name).splice(0, 1, b.name === name ? "swarm-manager" : "swarm-worker");
    }));
    const v = one(refusals(only("lab1"), only("lab2")), /^swarm managers change/);
    assert.deepEqual([v.board, v.field], ["lab1", "roles"]);
    assert.match(v.message, /from 1 \(lab1\) to 1 \(lab2\) in one run: only 0 untouched \(none\), not a majority of the 1 swarm managers before it/);
  });

  it("two of three voters replaced in one run", () => {
    const vs = refusals(lab, lab, new Set(["lab2", "lab3"]));
    const kraft = one(vs, /KRaft controllers in one run/);
    assert.deepEqual([kraft.board, kraft.field], ["lab3", "roles"]);
    assert.equal(kraft.message, "removing or replacing 2 of 3 KRaft controllers in one run (lab2, lab3); "
      + "change one per run, so the voters that hold the quorum's state stay a majority throughout");
    one(vs, /swarm managers in one run \(lab2, lab3\)/);
    one(vs, /^KRaft controllers change .*lab2, lab3 wiped/);
    // One voter replaced is the normal replacement.
    assert.deepEqual(refusals(lab, lab, new Set(["lab3"])), []);
  });

  it("a Cassandra rack changed in place; a Kafka id or rack is left to KafkaIdentity (refused once, not twice)", () => {
    assert.deepEqual(refusals(lab, edited((_b, raw) => { raw.identity.kafka.lab2 = 7; })), []);
    const moved = refusals(lab, edited((boards) => { boards.find((b) => b.name === "lab2")!.rack = "rack-9"; }));
    assert.deepEqual(moved.filter((v) => v.field === "rack").map((v) => [v.board, v.message]), [
      ["lab2", "rack of a live Cassandra node changes from rack-2 to rack-9; replicas placed by rack would silently move"],
    ]);
  });
});

describe("membership change: ServiceRoll's check", () => {
  const inputs = (inv: Inventory, system: "cassandra" | "kafka"): ServiceRollInputs => {
    const plan = planCluster(inv);
    return {
      manager: { host: "172.30.77.11", port: 22, user: "pi", privateKey: "", hostKey: "" } as ServiceRollInputs["manager"],
      system, specs: {}, connections: {}, timeoutSeconds: 1,
      nodes: system === "cassandra" ? cassandraRollNodes(plan) : kafkaRollNodes(plan),
      membership: system === "cassandra" ? { replication: keyspaceReplication(inv) }
        : { replication: topicReplication(inv), swarmManagers: plan.swarm.managers },
    };
  };
  const membershipFailures = async (prev: Inventory | undefined, next: Inventory, system: "cassandra" | "kafka") =>
    (await serviceRollProvider.check!(prev ? inputs(prev, system) : {}, inputs(next, system))).failures!.filter((f) => f.property === "nodes");

  it("fails the preview naming board and field, from the last run's inputs", async () => {
    const next = edited((boards) => drop(boards, "lab3", "cassandra"));
    const reasons = (await membershipFailures(lab, next, "cassandra")).map((f) => f.reason);
    assert.ok(reasons.includes("[membership] board lab3, field roles: removing this Cassandra node leaves 2 nodes, "
      + "fewer than the replication factor 3 of keyspace deskcluster"), reasons.join("\n"));
    assert.deepEqual(await membershipFailures(undefined, next, "cassandra"), [], "a first deploy has nothing to compare with");
  });

  it("the Kafka roll carries the swarm managers, so both quorums are checked there", async () => {
    const next = edited((boards) => { drop(boards, "lab2", "swarm-manager"); drop(boards, "lab3", "swarm-manager"); });
    const reasons = (await membershipFailures(lab, next, "kafka")).map((f) => f.reason);
    assert.ok(reasons.some((r) => r.startsWith("[membership] board lab2, field roles: swarm managers change from 3")), reasons.join("\n"));
    // The membership derived from a roll's inputs is the inventory's, for that system.
    assert.deepEqual(rollMembership("kafka", inputs(lab, "kafka").nodes, inputs(lab, "kafka").membership).members,
      membershipOf(lab).members.filter((m) => !m.roles.includes("cassandra")));
  });
});

// A live desk upgrades from the previous release without a replacement and without a restart:
// the lab hooks converged it with 0.1 (dynamic resources, their code in state) and then ran
// this checkout's main command on it (tests/lab/upgrade.ts). Every resource moves to its new
// type through an alias in an update, the state loses the stored provider code, and every
// service container and Docker engine on the boards is the one that ran before. The upgrade keeps
// the previous release's inventory; this release's lab inventory follows as a day-2 change.
import assert from "node:assert/strict";
import { formatCounts } from "../../lab/load/ackedLoad";
import { changesIn, rollEvents, rollLines } from "./labPulumi";
import { upgradeRecord } from "./upgrade";

const providerType = (t: string) => t.startsWith("pulumi:providers:");

describe("upgrade from the previous release (lab)", function () {
  before(function () {
    // Only DESKCLUSTER_LAB_FRESH=1 (the lab from bare boards) leaves no record; say so instead of passing.
    if (!upgradeRecord()) throw new Error("no upgrade was recorded: the lab hooks ran with DESKCLUSTER_LAB_FRESH=1");
  });

  it("plans updates of type (through aliases) and no replacement", () => {
    const r = upgradeRecord()!;
    const ops: Record<string, number> = {};
    for (const s of r.plan) ops[s.op] = (ops[s.op] ?? 0) + 1;
    console.log(`        plan of the upgrade: ${JSON.stringify(ops)}`);
    const managed = (t: string) => !providerType(t) && t.startsWith("deskcluster:") && !t.startsWith("deskcluster:index:");
    const resources = r.plan.filter((s) => managed(s.type));
    assert.ok(resources.length >= 40, `the lab has ${resources.length} deskcluster resources in the plan`);
    assert.deepEqual(r.plan.filter((s) => /replace/.test(s.op)).map((s) => s.urn), [], "nothing is replaced");
    // Every resource of the previous release is updated in place to its new type; only steps this release added are created.
    const created = resources.filter((s) => s.op === "create");
    const existing = resources.filter((s) => s.op !== "create");
    assert.deepEqual(existing.filter((s) => s.op !== "update").map((s) => `${s.op} ${s.urn}`), [], "each existing resource is updated in place");
    assert.ok(existing.length >= 40);
    assert.deepEqual(created.filter((s) => !/::lab\d-images$/.test(s.urn)).map((s) => s.urn), [], "only the new image pre-pull steps are new");
    for (const s of r.plan.filter((x) => x.op === "delete")) assert.ok(providerType(s.type), `only the old default provider goes: ${s.urn}`);
  });

  it("drops the provider code from state: lean state under deskcluster's own types", () => {
    const { stateBefore: b, stateAfter: a } = upgradeRecord()!;
    console.log(`        state: before ${b.resources} resources, ${(b.bytes / 1024).toFixed(0)} KB (${(b.bytes / b.resources / 1024).toFixed(1)} KB each); `
      + `after ${a.resources} resources, ${(a.bytes / 1024).toFixed(0)} KB (${(a.bytes / a.resources / 1024).toFixed(1)} KB each)`);
    assert.ok(b.legacyCode > 0, "the previous release stored provider code");
    assert.equal(a.legacyCode, 0, "no resource carries provider code");
    assert.deepEqual(a.types.filter((t) => t.startsWith("pulumi-nodejs:")), [], "no dynamic resource is left");
    assert.ok(a.types.includes("pulumi:providers:deskcluster"), "the plugin serves the resources");
    assert.ok(a.bytes < b.bytes / 3, `state shrank from ${b.bytes} to ${a.bytes} bytes`);
  });

  it("keeps recipes, not scripts; drift, not copies of live specs; one spec per node, no config data in outputs", () => {
    const { stateBefore: b, stateAfter: a } = upgradeRecord()!;
    assert.ok(b.liveSpecCopies.length > 0, "the previous release kept the swarm's answer whole (the check can fail)");
    assert.deepEqual(a.recipeScripts, [], "a recipe step's state holds its recipe and digests only");
    assert.deepEqual(a.liveSpecCopies, [], "a service's or roll's state holds the fields that drifted");
    assert.deepEqual(a.extraSpecs, [], "join configs by name; configs by digest");
    assert.ok(b.inputCopies.length > 0, "the previous release copied its inputs into its outputs (the check can fail)");
    assert.deepEqual(a.inputCopies, [], "outputs keep digests of what was applied, not a second copy of the inputs");
  });

  it("restarts nothing: the same service containers and Docker engines on every board", () => {
    const { before, after, upSeconds } = upgradeRecord()!;
    const [containers, engines] = [Object.keys(before.containers).length, Object.keys(before.engines).length];
    console.log(`        upgrade (lab/up.sh): ${upSeconds}s; ${containers} containers, ${engines} engines`);
    assert.ok(Object.keys(before.containers).length >= 10);
    assert.deepEqual(after.containers, before.containers);
    assert.deepEqual(after.engines, before.engines);
  });

  it("then this release's lab inventory (shorter Cassandra start-up waits) rolls Cassandra alone, one node at a time, under load", () => {
    const c = upgradeRecord()!.currentInventory;
    assert.ok(c, "this release's lab inventory was not applied after the upgrade");
    console.log(formatCounts("this release's lab inventory", c.counts).replace(/^/gm, "        "));
    assert.equal(c.code, 0, `pulumi up failed:\n${changesIn(c.out)}`);
    const lines = rollLines(c.out, "cassandra");
    console.log(`        cassandra (${c.seconds}s): ${lines.find((l) => l.includes(" order "))}`);
    assert.deepEqual(rollEvents(c.out, "cassandra"), ["apply", "done", "apply", "done", "apply", "done"], lines.join("\n"));
    const cassandra = Object.keys(c.before.containers).filter((k) => /\/cassandra-/.test(k));
    assert.equal(cassandra.length, 3);
    for (const k of cassandra) assert.notEqual(c.after.containers[k], c.before.containers[k], `${k} was not restarted`);
    const others = (f: Record<string, string>) => Object.fromEntries(Object.entries(f).filter(([k]) => !cassandra.includes(k)));
    assert.deepEqual(others(c.after.containers), others(c.before.containers), "a container other than Cassandra's restarted");
    assert.deepEqual(c.after.engines, c.before.engines);
    const flags = / -Dcassandra\.ring_delay_ms=10000 -Dcassandra\.skip_wait_for_gossip_to_settle=0$/;
    for (const [board, opts] of Object.entries(c.jvmOptions)) assert.match(opts, flags, board);
    assert.equal(Object.keys(c.jvmOptions).length, 3);
    assert.equal(c.counts.kafka.missing, 0, "acknowledged Kafka records missing");
    assert.equal(c.counts.kafka.failed, 0, "Kafka writes left unacknowledged after the producer's retries");
    assert.equal(c.counts.cassandra.missing, 0, "acknowledged Cassandra rows missing");
    assert.equal(c.counts.cassandra.errors["unavailable (LOCAL_QUORUM refused)"] ?? 0, 0, "LOCAL_QUORUM writes refused");
    assert.ok(c.counts.kafka.acknowledged > 100 && c.counts.cassandra.acknowledged > 100, "the load ran through the roll");
  });
});

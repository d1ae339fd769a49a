// Day 2 on the live lab: the hundredth `pulumi up` is as safe as the first. Under a counted,
// acknowledged load, a heap change rolls Cassandra and Kafka one node at a time; a changed step
// script (a deskcluster upgrade) re-runs in place; drift made by hand is named by a refreshing
// preview and repaired by `pulumi up --refresh`; a board whose engine restarted is put back;
// and a second refreshing `pulumi up` changes nothing. Talks only to the lab's own containers.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { swarmNodes, swarmProblems } from "../../lab/checks/swarm";
import { LabContext, labContext, labDir } from "../../lab/checks/labContext";
import { AckedLoad, formatCounts } from "../../lab/load/ackedLoad";
import { changesIn, containers, pulumi, rollEvents, rollLines, up } from "./labPulumi";

const root = join(__dirname, "..", "..");
const dir = labDir();
const variant = join(dir, "lab-day2.yaml");

/** Until every swarm service runs all its tasks (after a repair, tasks start a few seconds later). */
async function servicesRunning(ctx: LabContext, manager: string, seconds = 180): Promise<string> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const ls = await ctx.sh(manager, "sudo docker service ls --format '{{.Name}} {{.Replicas}}'");
    const short = ls.trim().split("\n").filter((l) => { const [, r] = l.split(" "); const [a, b] = r.split("/"); return a !== b.split(" ")[0]; });
    if (short.length === 0 || Date.now() > end) return short.join(", ");
    await new Promise((r) => setTimeout(r, 3000));
  }
}

describe("day 2 on the live lab (a second pulumi up, under load)", function () {
  this.timeout(30 * 60_000);
  let ctx: LabContext;
  let manager = "";
  before(() => {
    ctx = labContext(root, dir);
    manager = ctx.inventory.boards.find((b) => b.roles.includes("swarm-manager"))!.name;
  });

  it("rolls a heap change for Cassandra and Kafka one node at a time, losing no acknowledged write", async () => {
    const raw = parse(readFileSync(join(root, "stacks", "lab.yaml"), "utf8"));
    raw.services.cassandra.heapMb -= 32;
    raw.services.kafka.heapMb -= 32;
    // The load first: a load that cannot start fails the test before the stack changes, so the next test
    // does not inherit a half-applied heap change.
    const load = await AckedLoad.start(ctx, `heap-${Date.now()}`);
    writeFileSync(variant, stringify(raw));
    assert.equal((await pulumi(`config set deskcluster:inventory ${variant}`)).code, 0);
    const before = await containers(ctx);
    const r = await up();
    const counts = await load.stop();
    console.log(formatCounts("the heap roll", counts).replace(/^/gm, "      "));
    assert.equal(r.code, 0, "pulumi up failed");
    for (const system of ["cassandra", "kafka"]) {
      const lines = rollLines(r.out, system);
      console.log(`      ${system}: ${lines.find((l) => l.includes(" order "))}`);
      assert.ok(lines.some((l) => / order lab\d -> lab\d -> lab\d/.test(l)), `${system}: no roll order printed`);
      // One at a time: every node is done before the next one is applied.
      assert.deepEqual(rollEvents(r.out, system), ["apply", "done", "apply", "done", "apply", "done"], lines.join("\n"));
    }
    const after = await containers(ctx);
    for (const k of Object.keys(before).filter((x) => /\/(cassandra|kafka)-/.test(x))) assert.notEqual(after[k], before[k], `${k} was not restarted`);
    assert.equal(counts.kafka.missing, 0, "acknowledged Kafka records missing");
    assert.equal(counts.kafka.failed, 0, "Kafka writes left unacknowledged after the producer's retries");
    assert.ok(Object.keys(counts.kafka.errors).every((k) => k.startsWith("retriable")), JSON.stringify(counts.kafka.errors));
    assert.equal(counts.cassandra.missing, 0, "acknowledged Cassandra rows missing");
    assert.equal(counts.cassandra.errors["unavailable (LOCAL_QUORUM refused)"] ?? 0, 0, "LOCAL_QUORUM writes refused");
    assert.ok(counts.kafka.acknowledged > 100 && counts.cassandra.acknowledged > 100, "the load ran through the roll");
  });

  it("re-runs a changed step script in place: every board stays in the swarm, no container restarts", async () => {
    // A new deskcluster version with one more line in the swarm join script: edit the compiled program.
    const compiled = join(root, "bin", "model", "swarmScripts.js");
    const original = readFileSync(compiled, "utf8");
    assert.ok(original.includes('"read -r token",'), "the compiled join script changed shape");
    writeFileSync(compiled, original.replace('"read -r token",', '"read -r token", ": upgraded by the day-2 test",'));
    const before = await containers(ctx);
    let r;
    try {
      r = await up();
    } finally {
      writeFileSync(compiled, original);
    }
    assert.equal(r.code, 0, "pulumi up failed");
    for (const b of ctx.inventory.boards.filter((x) => x.roles.some((role) => role.startsWith("swarm-")))) {
      assert.match(r.out, new RegExp(`swarm-join-${b.name} updated`), `the join step of ${b.name} did not re-run in place`);
    }
    assert.doesNotMatch(r.out, /^\s+[-+]+ \d+ (replaced|deleted)|swarm leave/m, "a step was replaced or undone");
    assert.deepEqual(swarmProblems(ctx, await swarmNodes(ctx, manager)), []);
    assert.deepEqual(await containers(ctx), before, "a service container restarted");
  });

  it("names drift made by hand in a refreshing preview, and pulumi up --refresh repairs all of it", async () => {
    await ctx.sh(manager, "sudo docker service update --detach --env-add DESKCLUSTER_DRIFT=by-hand health-sink-lab4 >/dev/null");
    await ctx.sh(manager, "sudo docker node update --label-rm deskcluster.rack lab2 >/dev/null");
    // /etc/hosts is a bind mount in a lab board: rewrite it in place, as the base step does.
    await ctx.console("lab3", "sed '/^# BEGIN deskcluster$/,/^# END deskcluster$/{/ lab1$/d}' /etc/hosts > /tmp/hosts && cat /tmp/hosts > /etc/hosts");
    await ctx.sh("lab4", "sudo systemctl stop docker.socket docker.service");
    // The OS by hand, on the boards' consoles: swap back on at boot, time sync off, vm.max_map_count reset (the kernel's, so every board's).
    await ctx.console("lab1", "systemctl enable dphys-swapfile.service >/dev/null 2>&1");
    await ctx.console("lab2", "systemctl disable systemd-timesyncd.service >/dev/null 2>&1");
    await ctx.console("lab3", "sysctl -q -w vm.max_map_count=65530");
    const seen = await pulumi("preview --refresh --expect-no-changes");
    assert.notEqual(seen.code, 0, "preview --refresh --expect-no-changes passed with drift on the boards");
    for (const expected of [
      /drift: service health-sink-lab4: field TaskTemplate\.ContainerSpec\.Env/,
      /drift: board lab1: swarm node lab2: field labels/,
      /drift: board lab3: base setup: field hostsBlock/,
      /drift: board lab4: docker: field active is inactive/,
      /drift: board lab1: base setup: field swap is on: dphys-swapfile\.service/,
      /drift: board lab2: base setup: field timeSync is off/,
      /drift: board lab3: base setup: field maxMapCount is 65530/,
    ]) assert.match(seen.out, expected);
    const fixed = await up("--refresh");
    assert.equal(fixed.code, 0, `pulumi up --refresh failed:\n${changesIn(fixed.out)}`);
    assert.equal(await servicesRunning(ctx, manager), "", "services not running after the repair");
    const clean = await pulumi("preview --refresh --expect-no-changes");
    assert.equal(clean.code, 0, `drift left after pulumi up --refresh:\n${changesIn(clean.out)}`);
    assert.match(await ctx.sh("lab3", "cat /etc/hosts"), / lab1\n/);
    assert.equal((await ctx.console("lab1", "systemctl is-enabled dphys-swapfile.service || true")).trim(), "disabled");
    assert.equal((await ctx.console("lab2", "systemctl is-enabled systemd-timesyncd.service || true")).trim(), "enabled");
    assert.ok(Number(await ctx.console("lab3", "sysctl -n vm.max_map_count")) >= 1048575);
  });

  it("puts a board whose engine restarted back: Ready in the swarm with its tasks running", async () => {
    await ctx.sh("lab4", "sudo systemctl restart docker");
    const r = await up("--refresh");
    assert.equal(r.code, 0, "pulumi up --refresh failed");
    assert.equal(await servicesRunning(ctx, manager), "", "services not running");
    assert.deepEqual(swarmProblems(ctx, await swarmNodes(ctx, manager)), []);
    const onLab4 = await ctx.sh("lab4", "sudo docker ps --format '{{.Names}}'");
    assert.match(onLab4, /health-sink-lab4\./);
  });

  it("changes nothing on a second pulumi up --refresh that reads every board (benchmark figure printed)", async () => {
    const r = await up("--refresh --expect-no-changes");
    console.log(`      no-op pulumi up --refresh on the lab: ${r.seconds}s, reading every board`);
    assert.equal(r.code, 0, `a second pulumi up --refresh changed something:\n${changesIn(r.out)}`);
    // The engine's own summary: nothing but unchanged resources (its warnings say "created" too).
    assert.doesNotMatch(r.out, /^\s+[-+~]+ \d+ (updated|created|deleted|replaced)/m);
  });
});

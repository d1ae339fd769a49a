// The benchmark's own arithmetic, on inputs made here: generated desks pass every rule, the
// critical path follows the engine's step timings through the state's dependency graph.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { criticalPath, StateResource, waitsFor } from "../bench/criticalPath";
import { stepTimings } from "../bench/eventLog";
import { generateInventory, inventoryYaml } from "../bench/generateInventory";
import { tailEventLog } from "../bench/logTail";
import { planSize } from "../bench/planEdges";
import { labTable } from "../bench/report";
import { sshConnections } from "../bench/sshTrace";
import { stateSize } from "../bench/stateSize";
import { validateInventoryText } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { root } from "./realPreview";

const urn = (type: string, name: string) => `urn:pulumi:lab::deskcluster::${type}::${name}`;
const cmd = "pulumi-nodejs:dynamic:Resource";
const provider = urn("pulumi:providers:pulumi-nodejs", "default");

describe("bench", () => {
  for (const n of [10, 50, 100, 200]) {
    it(`generates a valid desk of ${n} boards`, () => {
      const v = validateInventoryText(inventoryYaml(n));
      assert.deepEqual(v.violations.map(formatViolation), []);
      assert.equal(v.inventory?.boards.length, n);
      assert.equal(new Set(generateInventory(n).boards.map((b) => b.rack)).size, Math.max(4, Math.ceil(n / 10)));
    });
  }

  it("passes `npm run validate` as a file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "deskcluster-bench-")), "desk-10.yaml");
    writeFileSync(file, inventoryYaml(10));
    assert.match(execFileSync("npx", ["--no-install", "ts-node", "--transpile-only", "cli/validate.ts", file], { cwd: root, encoding: "utf8" }), /: ok/);
  });

  // docker (10 s) on two boards, then cassandra-1 (30 s) after docker-a, cassandra-2 (20 s)
  // after cassandra-1 and the swarm component (whose child join-b waits for docker-b).
  const state: StateResource[] = [
    { urn: provider, type: "pulumi:providers:pulumi-nodejs", custom: true },
    { urn: urn("deskcluster:index:Swarm", "swarm"), type: "deskcluster:index:Swarm", custom: false },
    { urn: urn(cmd, "docker-a"), type: cmd, custom: true, provider: `${provider}::id1` },
    { urn: urn(cmd, "docker-b"), type: cmd, custom: true, provider: `${provider}::id1` },
    { urn: urn(cmd, "join-b"), type: cmd, custom: true, parent: urn("deskcluster:index:Swarm", "swarm"), dependencies: [urn(cmd, "docker-b")] },
    { urn: urn(cmd, "cassandra-1"), type: cmd, custom: true, propertyDependencies: { connection: [urn(cmd, "docker-a")] } },
    { urn: urn(cmd, "cassandra-2"), type: cmd, custom: true, dependencies: [urn(cmd, "cassandra-1"), urn("deskcluster:index:Swarm", "swarm")] },
  ];
  const event = (seq: number, t: number, kind: string, name: string, custom = true) =>
    JSON.stringify({ sequence: seq, timestamp: t, [kind]: { metadata: { op: "create", urn: name, new: { custom } } } });
  const log = [
    event(0, 100, "resourcePreEvent", provider), event(1, 100, "resOutputsEvent", provider),
    event(2, 100, "resourcePreEvent", urn(cmd, "docker-a")), event(3, 100, "resourcePreEvent", urn(cmd, "docker-b")),
    event(4, 110, "resOutputsEvent", urn(cmd, "docker-a")), event(5, 110, "resOutputsEvent", urn(cmd, "docker-b")),
    event(6, 111, "resourcePreEvent", urn(cmd, "join-b")), event(7, 113, "resOutputsEvent", urn(cmd, "join-b")),
    event(8, 111, "resourcePreEvent", urn(cmd, "cassandra-1")), event(9, 141, "resOutputsEvent", urn(cmd, "cassandra-1")),
    event(10, 142, "resourcePreEvent", urn(cmd, "cassandra-2")), event(11, 162, "resOutputsEvent", urn(cmd, "cassandra-2")),
    event(12, 100, "resourcePreEvent", urn("deskcluster:index:Swarm", "swarm"), false),
    event(13, 170, "resOutputsEvent", urn("deskcluster:index:Swarm", "swarm"), false),
    JSON.stringify({ sequence: 14, timestamp: 170, diagnosticEvent: { message: "resourcePreEvent in a message is no step" } }),
  ];

  it("expands a dependency on a component to its custom descendants and adds the provider", () => {
    const g = waitsFor(state);
    assert.deepEqual([...g.get(urn(cmd, "cassandra-2"))!].sort(), [urn(cmd, "cassandra-1"), urn(cmd, "join-b")].sort());
    assert.deepEqual([...g.get(urn(cmd, "docker-a"))!], [provider]);
    assert.deepEqual([...g.get(urn(cmd, "cassandra-1"))!], [urn(cmd, "docker-a")]);
  });

  it("takes the longest chain of step durations, components excluded", () => {
    const t = stepTimings(log);
    assert.equal(t.resolution, "engine-1s");
    assert.equal(t.steps.length, 6, "provider and five commands, no component");
    const p = criticalPath(state, t.steps);
    assert.equal(p.totalMs, 60_000);
    assert.deepEqual(p.steps.map((s) => s.urn.split("::")[3]), ["docker-a", "cassandra-1", "cassandra-2"]);
  });

  it("prefers the tail's arrival stamps to the engine's whole seconds", () => {
    const arrival = new Map(log.map((l, i) => [i, (JSON.parse(l).timestamp as number) * 1000 + (i === 9 ? 400 : 0)]));
    const t = stepTimings(log, arrival);
    assert.equal(t.resolution, "tail-100ms");
    assert.equal(criticalPath(state, t.steps).totalMs, 60_400);
  });

  it("stamps each event-log line as it appears, a partial line only once complete", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "deskcluster-bench-")), "events.jsonl");
    const tail = tailEventLog(file, 20);
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(50);
    appendFileSync(file, '{"sequence":0,"timestamp":1}\n{"sequence":1,');
    await wait(300);
    const before = Date.now();
    appendFileSync(file, '"timestamp":2}\n');
    await wait(100);
    const arrival = tail.stop();
    assert.deepEqual([...arrival.keys()], [0, 1]);
    assert.ok(arrival.get(1)! >= before && arrival.get(0)! < before, "second line stamped when it was completed");
  });

  it("refuses a dependency cycle instead of looping", () => {
    const a = urn(cmd, "a"), b = urn(cmd, "b");
    const cycle = [{ urn: a, type: cmd, custom: true, dependencies: [b] }, { urn: b, type: cmd, custom: true, dependencies: [a] }];
    assert.throws(() => criticalPath(cycle, []), /cycle/);
  });

  it("counts distinct dependency edges of a preview", () => {
    const p = planSize({ steps: [
      { op: "create", newState: { custom: true, dependencies: ["x", "y"], propertyDependencies: { a: ["x"], b: ["z"] } } },
      { op: "same", oldState: { custom: false } },
    ] });
    assert.deepEqual({ ...p, ops: { ...p.ops } }, { resources: 2, customResources: 1, edges: 3, jsonMb: 0, ops: { create: 1, same: 1 } });
  });

  it("counts SSH connections per board from the providers' trace", () => {
    const c = sshConnections("1700000000000 lab1 172.30.0.11\n1700000000001 lab1 172.30.0.11\n1700000000002 lab2 172.30.0.12\n");
    assert.deepEqual(c, { total: 3, boards: 2, maxPerBoard: 2, perBoard: { lab1: 2, lab2: 1 } });
  });

  it("prints the lab's figures against the issue's targets, SSH n/a until the providers trace", () => {
    const t = labTable({
      boards: 4, labUpSeconds: 400, convergeSeconds: 300, criticalPathSeconds: 250, convergeOverCriticalPath: 1.2, timingResolution: "tail-100ms",
      criticalPath: [{ resource: "lab1-docker", seconds: 44 }], failedSteps: [],
      noop: { seconds: 7.7, ok: true, peak: { rssMb: 102, pssMb: 90, processes: 5, samples: 77 }, ops: { refresh: 52, same: 52 } },
      state: { bytes: 1_050_000, resources: 52, bytesPerResource: 20_192, bytesPerBoard: 262_500, largestTypes: [{ type: cmd, count: 40, meanBytes: 20_000 }] },
      ssh: { converge: sshConnections("1 lab1 a\n2 lab1 a\n"), noop: undefined },
    });
    assert.match(t, /converge \/ critical path\s+1\.20\s+<= 1\.15/);
    assert.match(t, /SSH connections, converge\s+2 \(1 boards, at most 2 per board; 4 boards in the lab\)/);
    assert.match(t, /SSH connections, no-op\s+n\/a/);
    assert.match(t, /refresh 52, same 52/);
    assert.match(t, /44\.0 s  lab1-docker/);
  });

  it("sizes the state per resource and per board", () => {
    const text = JSON.stringify({ deployment: { resources: state } });
    const s = stateSize(text, 2);
    assert.equal(s.resources, state.length);
    assert.equal(s.bytesPerBoard, Math.round(text.length / 2));
    assert.equal(s.largestTypes[0].type, cmd);
  });

  it("sizes each type and property as the state file writes them, indented, so the types add up to the file", () => {
    const big = { spec: { TaskTemplate: { ContainerSpec: { Env: ["A=1", "B=2"], Image: "x" } } } };
    const resources = [{ ...state[0], inputs: big, outputs: big }, ...state.slice(1)];
    const file = (rs: unknown[]) => JSON.stringify({ version: 3, deployment: { manifest: {}, resources: rs } }, null, 4);
    const s = stateSize(file(resources), 2);
    const types = s.largestTypes.reduce((sum, t) => sum + t.bytes!, 0);
    // The array's own brackets, each item's first-line indent (12) and its separator: what no resource carries.
    assert.equal(types, Buffer.byteLength(file(resources)) - Buffer.byteLength(file([])) - 14 * resources.length - 8);
    const top = s.largestTypes.find((t) => t.type === resources[0].type)!.largestProperties![0];
    assert.match(top.property, /^(inputs|outputs)\.spec$/);
    assert.ok(top.meanBytes > JSON.stringify(big.spec).length, `${top.meanBytes}: indented, larger than compact`);
  });
});

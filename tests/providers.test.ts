// The providers' day-2 semantics without a board: RemoteCommand's create/read/update/delete over
// an in-process ssh2 server (a probe's facts become drift named by field; changes converge in
// place; the undo runs on delete only), and the swarm providers' diffs (intended change versus
// drift, a stopped task, a rolled node) on specs as the swarm reports them.
import assert from "node:assert/strict";
import { Server } from "ssh2";
import { digest, probeScript } from "../model/stepProbes";
import { StepRecipe, stepScripts } from "../model/stepRecipes";
import { commandState, driftedFacts, remoteCommandProvider, triggersDigest } from "../providers/remoteCommand";
import { serviceRollProvider } from "../providers/serviceRoll";
import { differingPaths, projectOnto } from "../providers/serviceState";
import { closeSharedSessions } from "../providers/sshSession";
import { SshTarget } from "../providers/sshTarget";
import { objectState, swarmObjectProvider } from "../providers/swarmObject";
import { startBoard, targetOf } from "./fakeBoard";

describe("providers (day 2, no board)", () => {
  let server: Server;
  let target: SshTarget;
  const ran: string[] = [];
  const state = `/tmp/deskcluster-provider-test-${process.pid}`;
  before(async () => {
    const s = await startBoard(ran);
    server = s.server;
    target = targetOf("lab9", s.port);
  });
  after(async () => { await closeSharedSessions(); server.close(); require("node:fs").rmSync(state, { force: true }); });

  const step = () => ({
    connection: target, what: "test step",
    create: `printf converged > ${state}`, delete: `rm -f ${state}`,
    probe: probeScript({ file: `cat ${state} 2>/dev/null || echo missing` }), expect: { file: "converged" },
  });

  it("creates by running the converge script, and records what its probe reads", async () => {
    const r = await remoteCommandProvider.create!(step());
    assert.deepEqual(r.outs.observed, { file: "converged" });
  });

  it("reads the board: drift is a fact that differs from the expected one, named by field", async () => {
    require("node:fs").writeFileSync(state, "edited by hand");
    const read = await remoteCommandProvider.read!("id", { ...commandState(step(), {}), observed: { file: "converged" } }, step());
    assert.deepEqual(read.props.observed, { file: "edited by hand" });
    assert.deepEqual(driftedFacts(read.props.observed, step().expect), ["file"]);
    const d = await remoteCommandProvider.diff!("id", read.props, step());
    assert.deepEqual([d.changes, d.replaces], [true, []]);
  });

  it("a refresh rewrites an older state (probe and connection in its outputs) in the lean shape, keeping the digests of what ran", async () => {
    require("node:fs").writeFileSync(state, "converged");
    const lean = commandState(step(), {});
    // As the last version wrote it: a digest of the converge script beside the probe, undo and connection themselves.
    const olderDigests = { create: require("node:crypto").createHash("sha256").update(step().create).digest("hex") };
    const older = { ...step(), create: undefined, digests: olderDigests, observed: { file: "converged" } };
    assert.equal((await remoteCommandProvider.diff!("id", older, step())).changes, false, "an upgrade changes nothing");
    const read = await remoteCommandProvider.read!("id", older, step());
    assert.equal(read.props.probe, undefined, "the probe is an input");
    assert.equal(read.props.applied, lean.applied);
    assert.equal(read.props.digests, undefined);
    assert.deepEqual(read.props.observed, { file: "converged" });
    assert.equal((await remoteCommandProvider.diff!("id", read.props, step())).changes, false);
    // A read without inputs (state the engine never had inputs for) probes from the outputs.
    assert.deepEqual((await remoteCommandProvider.read!("id", older)).props.observed, { file: "converged" });
  });

  it("updates in place: the converge script runs again, the undo does not", async () => {
    ran.length = 0;
    const u = await remoteCommandProvider.update!("id", { ...step(), observed: { file: "edited by hand" } }, step());
    assert.deepEqual(u.outs!.observed, { file: "converged" });
    assert.ok(!ran.some((c) => c.startsWith("rm ")), `the undo ran on update: ${ran.join(" | ")}`);
    const same = await remoteCommandProvider.diff!("id", u.outs, step());
    assert.equal(same.changes, false);
  });

  it("runs updates of one serial group one at a time (engine restarts, board by board)", async () => {
    const log = `${state}.serial`;
    const slow = (n: number) => ({
      ...step(), serial: "docker-engine", create: `echo start${n} >> ${log}; sleep 0.4; echo end${n} >> ${log}`, probe: undefined, expect: undefined,
    });
    await Promise.all([1, 2, 3].map((n) => remoteCommandProvider.update!("id", slow(n), slow(n))));
    const lines = require("node:fs").readFileSync(log, "utf8").trim().split("\n");
    require("node:fs").rmSync(log);
    for (let i = 0; i < lines.length; i += 2) assert.equal(lines[i + 1], lines[i].replace("start", "end"), lines.join(" "));
  });

  it("runs the undo only on delete", async () => {
    await remoteCommandProvider.delete!("id", step());
    assert.equal(require("node:fs").existsSync(state), false);
  });

  it("refuses an empty script and a malformed host key at check, naming board and field", async () => {
    const c = await remoteCommandProvider.check!({}, { ...step(), create: " ", connection: { ...target, hostKey: "nope" } });
    assert.deepEqual(c.failures!.map((f) => f.property).sort(), ["connection.hostKey", "create"]);
  });

  it("prints a probe's digest of a file exactly as the model computes it", async () => {
    const { execSync } = require("node:child_process") as typeof import("node:child_process");
    const out = execSync(probeScript({ d: "printf 'a\\nb\\n' | sha256sum | cut -c1-16" }), { shell: "/bin/sh" }).toString();
    assert.deepEqual(JSON.parse(out), { d: digest("a\nb\n") });
  });
});

describe("swarm providers: the live spec in the desired shape", () => {
  const desired = {
    Name: "cassandra-lab1",
    TaskTemplate: {
      ContainerSpec: { Image: "c:4", Env: ["A=1", "B=2"], Configs: [{ ConfigName: "y", File: { Name: "/etc/c.yaml" } }] },
      Networks: [{ Target: "host" }],
    },
    EndpointSpec: { Mode: "dnsrr", Ports: [] },
  };
  const live = {
    ...desired, Labels: { extra: "docker's" },
    TaskTemplate: { ...desired.TaskTemplate, ForceUpdate: 0, ContainerSpec: { ...desired.TaskTemplate.ContainerSpec, Isolation: "default",
      Configs: [{ ConfigID: "x1", ConfigName: "y", File: { Name: "/etc/c.yaml" } }] } },
    EndpointSpec: { Mode: "dnsrr" },
  };

  it("ignores Docker's defaults and ids, and sees an env var added by hand", () => {
    assert.deepEqual(differingPaths(projectOnto(live, desired), desired), []);
    const edited = structuredClone(live);
    edited.TaskTemplate.ContainerSpec.Env.push("DRIFT=1");
    assert.deepEqual(differingPaths(projectOnto(edited, desired), desired), ["TaskTemplate.ContainerSpec.Env"]);
  });

  const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
  const manager = { board: "lab1", host: "10.0.0.1", port: 22, user: "pi", privateKey, hostKey: "ssh-ed25519 AAAA" };
  it("SwarmObject: a program change and drift both update in place; a stopped task is a change too", async () => {
    const olds = { manager, kind: "service" as const, spec: desired, observed: { spec: desired, running: true } };
    assert.equal((await swarmObjectProvider.diff!("id", olds, { manager, kind: "service", spec: desired })).changes, false);
    const heap = structuredClone(desired);
    heap.TaskTemplate.ContainerSpec.Env = ["A=1", "B=3"];
    const changed = await swarmObjectProvider.diff!("id", olds, { manager, kind: "service", spec: heap });
    assert.deepEqual([changed.changes, changed.replaces], [true, []]);
    const stopped = await swarmObjectProvider.diff!(
      "id", { ...olds, observed: { spec: desired, running: false } }, { manager, kind: "service", spec: desired },
    );
    assert.equal(stopped.changes, true);
    const config = await swarmObjectProvider.diff!("id", { manager, kind: "config", spec: { Name: "a" } }, { manager, kind: "config", spec: { Name: "b" } });
    assert.deepEqual(config.replaces, ["spec"], "configs are immutable");
  });

  it("a recipe step keeps no script in state; the same step recorded as text (0.2 state) is no change; other facts are", async () => {
    const recipe: StepRecipe = { name: "swarm-node", node: "lab2", role: "worker", labels: { "deskcluster.rack": "r1" } };
    const scripts = stepScripts(recipe);
    const kept = commandState({ connection: manager, recipe }, {});
    assert.deepEqual(Object.keys(kept).sort(), ["applied", "connection", "recipe"], "an undo step keeps what its delete needs");
    assert.ok(!JSON.stringify(kept).includes("docker node"), "no script text in state");
    const asText = commandState({ connection: manager, ...scripts }, {});
    assert.equal(asText.applied, kept.applied);
    assert.equal((await remoteCommandProvider.diff!("id", asText, { connection: manager, recipe })).changes, false);
    assert.equal((await remoteCommandProvider.diff!("id", kept, { connection: manager, recipe })).changes, false);
    const relabelled: StepRecipe = { ...recipe, labels: { "deskcluster.rack": "r2" } };
    assert.equal((await remoteCommandProvider.diff!("id", kept, { connection: manager, recipe: relabelled })).changes, true);
    const refused = await remoteCommandProvider.check!({}, { connection: manager, recipe: { name: "nope" } as never });
    assert.match(refused.failures![0].reason, /field recipe.name: nope is not one of/);
  });

  it("triggers are kept as one digest, the same the provider takes of the values themselves", async () => {
    const triggers = [{ spec: { Name: "kafka-lab1", Env: ["A=1"] } }, "token"];
    const olds = commandState({ connection: manager, create: "true", triggers }, {});
    assert.ok(!JSON.stringify(olds).includes("kafka-lab1"));
    const news = { connection: manager, create: "true", triggersDigest: triggersDigest(triggers) };
    assert.equal((await remoteCommandProvider.diff!("id", olds, news)).changes, false);
    const moved = { ...news, triggersDigest: triggersDigest([...triggers, "new"]) };
    assert.equal((await remoteCommandProvider.diff!("id", olds, moved)).changes, true);
  });

  it("a config's state holds its name and digest, not its data; a changed one is replaced, a 0.2 state compares the same", async () => {
    const spec = { Name: "cassandra-lab1-abc", Data: Buffer.from("cluster_name: desk").toString("base64") };
    const kept = objectState({ manager, kind: "config", spec });
    assert.deepEqual(Object.keys(kept).sort(), ["kind", "manager", "managerPin", "name", "specDigest"]);
    assert.equal((await swarmObjectProvider.diff!("id", kept, { manager, kind: "config", spec })).changes, false);
    assert.equal((await swarmObjectProvider.diff!("id", { manager, kind: "config", spec }, { manager, kind: "config", spec })).changes, false);
    const changed = await swarmObjectProvider.diff!("id", kept, { manager, kind: "config", spec: { ...spec, Data: "eA==" } });
    assert.deepEqual([changed.changes, changed.replaces], [true, ["spec"]]);
  });

  it("a swarm object keeps its manager's address only when config pins the key, and sees a reflashed manager", async () => {
    const saved = process.env.PULUMI_CONFIG;
    const pinned = { board: "lab1", host: "172.30.77.11", port: 22, user: "pi", hostKey: "ssh-ed25519 AAAAold" };
    const spec = { Name: "cassandra-lab1-abc", Data: "eA==" };
    try {
      process.env.PULUMI_CONFIG = JSON.stringify({ hostKeys: JSON.stringify({ lab1: pinned.hostKey }) });
      const kept = objectState({ manager: pinned, kind: "config", spec });
      assert.deepEqual(kept.manager, { board: "lab1", host: "172.30.77.11", port: 22, user: "pi" }, "the key is config's to give again");
      assert.equal((await swarmObjectProvider.diff!("id", kept, { manager: pinned, kind: "config", spec })).changes, false);
      const reflashed = await swarmObjectProvider.diff!("id", kept, { manager: { ...pinned, hostKey: "ssh-ed25519 AAAAnew" }, kind: "config", spec });
      assert.deepEqual([reflashed.changes, reflashed.replaces], [true, []], "a new key: an update that records it, no replacement");
      // State written before kept the manager with its key: the same key compares the same.
      assert.equal((await swarmObjectProvider.diff!("id", { kind: "config", manager: pinned, name: spec.Name, specDigest: kept.specDigest }, {
        manager: pinned, kind: "config", spec })).changes, false);
    } finally {
      if (saved === undefined) delete process.env.PULUMI_CONFIG;
      else process.env.PULUMI_CONFIG = saved;
    }
  });

  it("ServiceRoll: one changed node is a change of the rolled set, never a replacement", async () => {
    const node = { board: "lab1", service: "cassandra-lab1", rack: "r1", address: "10.0.0.1" };
    const base = {
      manager, system: "cassandra" as const, nodes: [node], specs: { "cassandra-lab1": desired }, connections: { lab1: manager }, timeoutSeconds: 60,
    };
    const olds = { ...base, observed: { "cassandra-lab1": { spec: desired, running: true } } };
    assert.equal((await serviceRollProvider.diff!("id", olds, base)).changes, false);
    const drifted = { ...olds, observed: { "cassandra-lab1": { spec: { ...desired, Name: "x" }, running: true } } };
    const d = await serviceRollProvider.diff!("id", drifted, base);
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    const checked = await serviceRollProvider.check!({}, { ...base, connections: {} });
    assert.match(checked.failures![0].reason, /board lab1: field connections/);
  });
});

// The swarm providers' create/read/update/delete against fake boards: the real SSH transport and
// dockerode, a FakeEngine behind `docker system dial-stdio` on the manager, and health checks
// answered per board by the test. Drift made in the engine must show in read and diff and be
// converged in place; a ServiceRoll must touch only the nodes that need it, one at a time, and
// stop at a node that does not come back.
import assert from "node:assert/strict";
import { actionScript, checkScript, memberMarkedScript, memberMarkScript, ringStatusScript } from "../model/rollChecks";
import { serviceRollProvider } from "../providers/serviceRoll";
import { withDocker } from "../providers/dockerOverSsh";
import { digestEnv, observeService } from "../providers/serviceState";
import { closeSharedSessions } from "../providers/sshSession";
import { objectState, SwarmObjectKind, swarmObjectProvider } from "../providers/swarmObject";
import { dialFast, FakeBoard, startFakeBoard } from "./fakeBoard";
import { FakeEngine, ObjectKind } from "./fakeEngine";

const serviceSpec = (name: string, env: string[], image = "c:4", configs: unknown[] = []) => ({
  Name: name,
  TaskTemplate: { ContainerSpec: { Image: image, Env: env, Configs: configs }, Networks: [{ Target: "host" }] },
  EndpointSpec: { Mode: "dnsrr" },
});

describe("SwarmObject against a fake manager", () => {
  let lab1: FakeBoard;
  let engine: FakeEngine;
  before(async () => {
    lab1 = await startFakeBoard("lab1", { engine: true });
    engine = lab1.engine!;
    await dialFast(lab1.target);
  });
  after(async () => { await closeSharedSessions(); await lab1.close(); });
  const inputs = (kind: SwarmObjectKind, spec: { Name: string } & Record<string, unknown>, secretEnv?: Record<string, string>) =>
    ({ manager: lab1.target, kind, spec, ...(secretEnv ? { secretEnv } : {}) });

  it("config, secret, network: create; one removed behind Pulumi's back reads as gone (id \"\"); delete, also of a gone one", async () => {
    const specs: [ObjectKind, { Name: string } & Record<string, unknown>][] = [
      ["config", { Name: "c1", Data: Buffer.from("x: 1").toString("base64") }],
      ["secret", { Name: "s1", Data: Buffer.from("pw").toString("base64") }],
      ["network", { Name: "n1", Driver: "overlay", Attachable: true }],
    ];
    for (const [kind, spec] of specs) {
      const made = await swarmObjectProvider.create!(inputs(kind, spec));
      assert.equal(engine.object(kind, spec.Name)?.ID, made.id, kind);
      assert.equal((await swarmObjectProvider.read!(made.id, made.outs, inputs(kind, spec))).id, made.id, `${kind} that exists reads as itself`);
      engine.remove(kind, made.id);
      assert.equal((await swarmObjectProvider.read!(made.id, made.outs, inputs(kind, spec))).id, "", `${kind} removed by hand`);
      await swarmObjectProvider.delete!(made.id, made.outs);
      const again = await swarmObjectProvider.create!(inputs(kind, spec));
      await swarmObjectProvider.delete!(again.id, again.outs);
      assert.equal(engine.object(kind, spec.Name), undefined, `${kind} deleted`);
    }
  });

  const secretEnv = { CLUSTER_ID: "s3cret" };
  const desired = serviceSpec("web", ["A=1"], "nginx:1", [{ ConfigName: "web-conf", File: { Name: "/etc/web.conf" } }]);
  let id = "";
  let configId = "";

  it("service: create makes it; read finds the desired spec (engine defaults and ids projected away) and keeps no copy; the secret env stays out", async () => {
    configId = (await swarmObjectProvider.create!(inputs("config", { Name: "web-conf", Data: "eDogMQ==" }))).id;
    const made = await swarmObjectProvider.create!(inputs("service", desired, secretEnv));
    id = made.id;
    const live = engine.service("web")!;
    assert.equal(live.ID, id);
    assert.deepEqual(live.Spec.TaskTemplate.ContainerSpec.Env, ["A=1", "CLUSTER_ID=s3cret"]);
    assert.equal(live.Spec.TaskTemplate.ContainerSpec.Configs[0].ConfigID, configId, "config named, id resolved");
    assert.deepEqual(live.Spec.TaskTemplate.Networks, [{ Target: "netHost" }], "the engine stores the network's id");
    // What was applied stays in the inputs the engine keeps: the outputs hold its field digests, no spec, no secret env.
    assert.deepEqual(Object.keys(made.outs).sort(), ["fields", "kind", "manager", "managerPin", "name", "observed"]);
    assert.equal(made.outs.fields["TaskTemplate.ContainerSpec.Image"].length, 16);
    const read = await swarmObjectProvider.read!(id, made.outs, inputs("service", desired, secretEnv));
    assert.deepEqual(Object.keys(read.props).sort(), ["fields", "kind", "manager", "managerPin", "name", "observed"]);
    assert.deepEqual(read.props.observed, { drift: [], running: true, secretDigest: digestEnv(secretEnv) });
    assert.ok(!JSON.stringify(read.props.observed).includes("s3cret"), "what the swarm answered holds no secret value");
    assert.equal((await swarmObjectProvider.diff!(id, read.props, inputs("service", desired, secretEnv))).changes, false);
  });

  it("service drift: an env var added in the engine shows in read and diff; update converges in place", async () => {
    const edited = engine.edit("web", (s) => s.TaskTemplate.ContainerSpec.Env.push("DRIFT=1"));
    const version = edited.Version.Index;
    const read = await swarmObjectProvider.read!(id, objectState(inputs("service", desired, secretEnv)), inputs("service", desired, secretEnv));
    assert.deepEqual(read.props.observed.drift, ["TaskTemplate.ContainerSpec.Env"]);
    const d = await swarmObjectProvider.diff!(id, read.props, inputs("service", desired, secretEnv));
    assert.deepEqual([d.changes, d.replaces], [true, []]);
    await swarmObjectProvider.update!(id, read.props, inputs("service", desired, secretEnv));
    const live = engine.service("web")!;
    assert.equal(live.ID, id, "updated in place, not recreated");
    assert.ok(live.Version.Index > version, `version ${live.Version.Index} after ${version}`);
    assert.deepEqual(live.Spec.TaskTemplate.ContainerSpec.Env, ["A=1", "CLUSTER_ID=s3cret"]);
    const again = await swarmObjectProvider.read!(id, read.props, inputs("service", desired, secretEnv));
    assert.equal((await swarmObjectProvider.diff!(id, again.props, inputs("service", desired, secretEnv))).changes, false);
  });

  it("service state written before read got its inputs (the spec and secret env in its outputs): same diff, read writes the lean shape", async () => {
    const last = inputs("service", desired, secretEnv);
    const older = { ...last, observed: { drift: [], running: true, secretDigest: digestEnv(secretEnv) } };
    assert.equal((await swarmObjectProvider.diff!(id, older, last)).changes, false, "nothing to do for a desk that upgrades");
    const changed = serviceSpec("web", ["A=2"], "nginx:1", [{ ConfigName: "web-conf", File: { Name: "/etc/web.conf" } }]);
    assert.equal((await swarmObjectProvider.diff!(id, older, inputs("service", changed, secretEnv))).changes, true);
    // A refresh of an older state (its outputs still hold the spec; read gets it from the inputs as well).
    const read = await swarmObjectProvider.read!(id, older, last);
    assert.deepEqual(Object.keys(read.props).sort(), ["fields", "kind", "manager", "managerPin", "name", "observed"]);
    assert.equal((await swarmObjectProvider.diff!(id, read.props, last)).changes, false);
    assert.equal((await swarmObjectProvider.diff!(id, read.props, inputs("service", changed, secretEnv))).changes, true);
  });

  it("service whose task does not run: diff changes, update forces a new task; a healthy one keeps its task", async () => {
    const healthy = await swarmObjectProvider.read!(id, objectState(inputs("service", desired, secretEnv)), inputs("service", desired, secretEnv));
    const task = engine.service("web")!.task.ID;
    await swarmObjectProvider.update!(id, healthy.props, inputs("service", desired, secretEnv));
    assert.equal(engine.service("web")!.task.ID, task, "nothing wrong: no restart");
    engine.service("web")!.task.State = "failed";
    const read = await swarmObjectProvider.read!(id, healthy.props, inputs("service", desired, secretEnv));
    assert.equal(read.props.observed.running, false);
    assert.equal((await swarmObjectProvider.diff!(id, read.props, inputs("service", desired, secretEnv))).changes, true);
    const force = engine.service("web")!.Spec.TaskTemplate.ForceUpdate;
    await swarmObjectProvider.update!(id, read.props, inputs("service", desired, secretEnv));
    const live = engine.service("web")!;
    assert.notEqual(live.task.ID, task, "a new task replaced the stopped one");
    assert.equal(live.task.State, "running");
    assert.equal(live.Spec.TaskTemplate.ForceUpdate, force + 1);
  });

  it("service whose task the swarm is still starting: read waits for it, and is not drift once it runs", async () => {
    const before = await swarmObjectProvider.read!(id, objectState(inputs("service", desired, secretEnv)), inputs("service", desired, secretEnv));
    const live = engine.service("web")!;
    live.task.State = "starting";
    setTimeout(() => { live.task.State = "running"; }, 2500);
    const read = await swarmObjectProvider.read!(id, before.props, inputs("service", desired, secretEnv));
    assert.equal(read.props.observed.running, true, "a task the swarm brought up is no reason for a forced restart");
    assert.equal((await swarmObjectProvider.diff!(id, read.props, inputs("service", desired, secretEnv))).changes, false);
  });

  it("service whose task the swarm has not put back yet (its board's engine restarted): read waits, not drift", async () => {
    const before = await swarmObjectProvider.read!(id, objectState(inputs("service", desired, secretEnv)), inputs("service", desired, secretEnv));
    const live = engine.service("web")!;
    live.task.State = "none";
    setTimeout(() => { live.task.State = "starting"; }, 2500);
    setTimeout(() => { live.task.State = "running"; }, 5000);
    const read = await swarmObjectProvider.read!(id, before.props, inputs("service", desired, secretEnv));
    assert.equal(read.props.observed.running, true, "a task the swarm puts back is no reason for a forced restart");
    live.task.State = "none";
    const gone = await withDocker(lab1.target, (d) => observeService(d, desired, Object.keys(secretEnv), 1000));
    assert.equal(gone.running, false, "a service with no task after the wait is drift");
    Object.assign(live.task, { State: "pending", Err: "no suitable node (scheduling constraints not satisfied on 4 nodes)" });
    const started = Date.now();
    const down = await withDocker(lab1.target, (d) => observeService(d, desired, Object.keys(secretEnv), 30_000));
    assert.equal(down.running, false, "a task the swarm cannot place is drift");
    assert.ok(Date.now() - started < 10_000, "a task the swarm cannot place is drift at once, not after the wait");
    Object.assign(live.task, { State: "running", Err: undefined });
  });

  it("service whose task stays starting past the wait: not running (drift)", async () => {
    engine.service("web")!.task.State = "preparing";
    const observed = await withDocker(lab1.target, (d) => observeService(d, desired, Object.keys(secretEnv), 1000));
    assert.equal(observed.running, false);
    engine.service("web")!.task.State = "running";
  });

  it("service: delete removes it; deleting one already removed succeeds", async () => {
    await swarmObjectProvider.delete!(id, inputs("service", desired, secretEnv));
    assert.equal(engine.service("web"), undefined);
    await swarmObjectProvider.delete!(id, inputs("service", desired, secretEnv));
    await swarmObjectProvider.delete!(configId, inputs("config", { Name: "web-conf" }));
  });
});

describe("ServiceRoll (cassandra) against three fake boards", () => {
  let boards: FakeBoard[];
  let engine: FakeEngine;
  const nodes = [1, 2, 3].map((n) => ({ board: `lab${n}`, service: `cassandra-lab${n}`, rack: `r${n}`, address: `10.0.0.${n}` }));
  const specsOf = (over: Record<string, string[]> = {}, image: Record<string, string> = {}) => Object.fromEntries(nodes.map((n) =>
    [n.service, serviceSpec(n.service, over[n.board] ?? [`SEEDS=10.0.0.1`], image[n.board] ?? "c:4")]));
  const inputs = (specs: ReturnType<typeof specsOf>, keep = nodes, timeoutSeconds = 60) => ({
    manager: boards[0].target, system: "cassandra" as const, nodes: keep, specs: Object.fromEntries(keep.map((n) => [n.service, specs[n.service]])),
    connections: Object.fromEntries(boards.map((b) => [b.target.board, b.target])), timeoutSeconds,
  });
  const versions = () => nodes.map((n) => engine.service(n.service)?.Version.Index);
  const tasks = () => nodes.map((n) => engine.service(n.service)?.task.ID);
  const drain = (n: number) => actionScript({ kind: "cassandra-drain", board: `lab${n}`, service: `cassandra-lab${n}` });
  const upNormal = (on: number, of: number) =>
    checkScript({ kind: "cassandra-up-normal", board: `lab${on}`, service: `cassandra-lab${on}`, address: `10.0.0.${of}` })!;
  const ranAnywhere = (command: string) => boards.some((b) => b.ran.includes(command));
  let state: Record<string, unknown>;

  before(async () => {
    boards = [await startFakeBoard("lab1", { engine: true }), await startFakeBoard("lab2"), await startFakeBoard("lab3")];
    engine = boards[0].engine!;
    for (const b of boards) await dialFast(b.target);
  });
  after(async () => { await closeSharedSessions(); for (const b of boards) await b.close(); });
  // A failed test must not leave a failing board behind for the next one.
  beforeEach(() => { for (const b of boards) { b.ran.length = 0; b.respond = () => ({ code: 0 }); } });

  it("create deploys every node, each checked Up/Normal as itself and the others see it; nothing is drained on a first deploy", async () => {
    const made = await serviceRollProvider.create!(inputs(specsOf()));
    assert.deepEqual(nodes.map((n) => engine.service(n.service)?.Spec.TaskTemplate.ContainerSpec.Image), ["c:4", "c:4", "c:4"]);
    for (const n of [1, 2, 3]) assert.ok(boards[n - 1].ran.includes(upNormal(n, n)), `lab${n} checked itself: ${boards[n - 1].ran.join(" | ")}`);
    assert.ok(boards[0].ran.includes(upNormal(1, 3)), "lab1 saw lab3 join");
    assert.ok(![1, 2, 3].some((n) => ranAnywhere(drain(n))), "a node that never ran was drained");
    state = made.outs;
  });

  it("read finds each service's live spec in the desired shape, running, and keeps no copy; diff then sees no change", async () => {
    const read = await serviceRollProvider.read!("cassandra-roll", state, inputs(specsOf()));
    assert.deepEqual(read.props.observed, Object.fromEntries(nodes.map((n) => [n.service, { drift: [], running: true }])));
    assert.deepEqual(Object.keys(read.props).sort(), ["connections", "fields", "manager", "nodes", "observed", "system", "timeoutSeconds"],
      "specs, join configs, markers, the secret env and the membership context stay inputs only");
    assert.equal((await serviceRollProvider.diff!("cassandra-roll", read.props, inputs(specsOf()))).changes, false);
    state = read.props;
  });

  it("roll state written before read got its inputs (specs and secret env in its outputs): same diff, read writes the lean shape", async () => {
    const last = inputs(specsOf());
    const older = { ...last, observed: state.observed };
    assert.equal((await serviceRollProvider.diff!("cassandra-roll", older, last)).changes, false, "nothing to do for a desk that upgrades");
    assert.equal((await serviceRollProvider.diff!("cassandra-roll", older, inputs(specsOf({ lab2: ["SEEDS=10.0.0.1", "HEAP=2G"] })))).changes, true);
    const read = await serviceRollProvider.read!("cassandra-roll", older, last);
    assert.deepEqual(Object.keys(read.props).sort(), ["connections", "fields", "manager", "nodes", "observed", "system", "timeoutSeconds"]);
    assert.equal((await serviceRollProvider.diff!("cassandra-roll", read.props, last)).changes, false);
  });

  it("update of one node's spec rolls only that node: drained before its new spec, a new task, checked as the others see it", async () => {
    const [v, t] = [versions(), tasks()];
    let versionAtDrain: number | undefined;
    boards[1].respond = (c) => { if (c === drain(2)) versionAtDrain = engine.service("cassandra-lab2")!.Version.Index; return { code: 0 }; };
    const next = inputs(specsOf({ lab2: ["SEEDS=10.0.0.1", "HEAP=2G"] }));
    state = (await serviceRollProvider.update!("cassandra-roll", state, next)).outs!;
    const [v2, t2] = [versions(), tasks()];
    assert.deepEqual([v2[0], v2[2], t2[0], t2[2]], [v[0], v[2], t[0], t[2]], "lab1 and lab3 untouched");
    assert.ok(v2[1]! > v[1]! && t2[1] !== t[1], "lab2 updated with a new task");
    assert.deepEqual(engine.service("cassandra-lab2")!.Spec.TaskTemplate.ContainerSpec.Env, ["SEEDS=10.0.0.1", "HEAP=2G"]);
    assert.equal(versionAtDrain, v[1], "drained before the new spec was applied");
    assert.ok(boards[0].ran.includes(upNormal(1, 2)) && boards[2].ran.includes(upNormal(3, 2)), "the others saw lab2 Up/Normal");
    assert.ok(!ranAnywhere(drain(1)) && !ranAnywhere(drain(3)));
  });

  it("a node that does not come back stops the roll, naming its board and the check; the node after it stays untouched", async () => {
    boards[1].respond = (c) => ({ code: c.includes("nodetool status ") ? 1 : 0 });
    const before = versions();
    const next = inputs(specsOf({ lab2: ["SEEDS=10.0.0.1", "HEAP=2G"] }, { lab2: "c:5", lab3: "c:5" }), nodes, 1);
    await assert.rejects(serviceRollProvider.update!("cassandra-roll", state, next),
      /roll cassandra stopped at board lab2: waited 1s for 10\.0\.0\.2 Up\/Normal as lab2 sees it; not rolled yet, untouched: lab3/);
    assert.equal(engine.service("cassandra-lab2")!.Spec.TaskTemplate.ContainerSpec.Image, "c:5");
    assert.equal(versions()[2], before[2], "lab3 untouched");
    assert.equal(engine.service("cassandra-lab3")!.Spec.TaskTemplate.ContainerSpec.Image, "c:4");
  });

  it("a node that leaves the inventory is removed after the roll; a node already converged is not rolled again", async () => {
    let lab3AtDrain = false;
    boards[0].respond = (c) => { if (c === drain(1)) lab3AtDrain = !!engine.service("cassandra-lab3"); return { code: 0 }; };
    const v = versions();
    // lab2 already runs c:5 from the stopped roll; lab1 changes; lab3 leaves.
    const next = inputs(specsOf({ lab1: ["SEEDS=10.0.0.2"], lab2: ["SEEDS=10.0.0.1", "HEAP=2G"] }, { lab2: "c:5" }), nodes.slice(0, 2));
    state = (await serviceRollProvider.update!("cassandra-roll", state, next)).outs!;
    assert.equal(engine.service("cassandra-lab3"), undefined, "lab3's service removed");
    assert.ok(lab3AtDrain, "removed only after the roll (it still ran while lab1 was drained)");
    assert.ok(versions()[0]! > v[0]!, "lab1 rolled");
    assert.equal(versions()[1], v[1], "lab2 not rolled twice");
  });

  it("delete removes every service of the set", async () => {
    await serviceRollProvider.delete!("cassandra-roll", state);
    assert.deepEqual([...engine.services.values()].map((s) => s.Spec.Name), []);
  });
});

describe("ServiceRoll (cassandra): a board that came back empty", () => {
  let boards: FakeBoard[];
  let engine: FakeEngine;
  const nodes = [1, 2, 3].map((n) => ({ board: `lab${n}`, service: `cassandra-lab${n}`, rack: `r${n}`, address: `10.0.0.${n}` }));
  const markers = Object.fromEntries(nodes.map((n) => [n.board, `/data/${n.board}/cassandra/.deskcluster-member`]));
  const usual = ["JVM_EXTRA_OPTS=-Dcassandra.config=file:///etc/deskcluster/cassandra.yaml"];
  const yaml = (name: string) => ({ ConfigName: name, File: { Name: "/etc/deskcluster/cassandra.yaml" } });
  const specs = Object.fromEntries(nodes.map((n) => [n.service, serviceSpec(n.service, usual, "c:4", [yaml(`${n.service}-yaml`)])]));
  // lab3 is its own seed: it joins an existing ring with the config that leaves it out of its seeds.
  const joinConfigs = { "cassandra-lab3": "cassandra-lab3-join-yaml" };
  const inputs = () => ({
    manager: boards[0].target, system: "cassandra" as const, nodes, specs, joinConfigs, markers,
    connections: Object.fromEntries(boards.map((b) => [b.target.board, b.target])), timeoutSeconds: 30,
  });
  const ring = ["UN  10.0.0.1  1 MiB  16  ?  a  r1", "UN  10.0.0.2  1 MiB  16  ?  b  r2", "DN  10.0.0.3  1 MiB  16  ?  c  r3"].join("\n");

  before(async () => {
    boards = [await startFakeBoard("lab1", { engine: true }), await startFakeBoard("lab2"), await startFakeBoard("lab3")];
    engine = boards[0].engine!;
    for (const b of boards) await dialFast(b.target);
    const names = [...nodes.map((n) => `${n.service}-yaml`), joinConfigs["cassandra-lab3"]];
    await withDocker(boards[0].target, async (d) => { for (const Name of names) await d.createConfig({ Name, Data: "eA==" } as never); });
  });
  after(async () => { await closeSharedSessions(); for (const b of boards) await b.close(); });

  it("replaces its old self (the replace flag, seeds without itself), then runs its usual spec; the others untouched", async () => {
    let state = (await serviceRollProvider.create!(inputs())).outs;
    assert.ok(boards[2].ran.includes(memberMarkScript(markers.lab3)), "a node that joined is marked a member");
    const untouched = [1, 2].map((n) => engine.service(`cassandra-lab${n}`)!.task.ID);
    // lab3 reflashed: its task fails (the ring refuses a new node at its address), its data folder has no mark.
    engine.service("cassandra-lab3")!.task.State = "failed";
    const started: { env: string[]; config: string }[] = [];
    boards[0].respond = (c) => (c === ringStatusScript("cassandra-lab1") ? { code: 0, stdout: ring } : { code: 0 });
    boards[2].respond = (c) => {
      if (c === memberMarkedScript(markers.lab3)) return { code: 1 };
      if (c.includes("cassandra-lab3") && c.includes("nodetool status")) {
        const container = engine.service("cassandra-lab3")!.Spec.TaskTemplate.ContainerSpec;
        started.push({ env: container.Env, config: container.Configs[0].ConfigName });
      }
      return { code: 0 };
    };
    state = (await serviceRollProvider.update!("cassandra-roll", state, inputs())).outs!;
    assert.deepEqual(started[0], {
      env: ["JVM_EXTRA_OPTS=-Dcassandra.config=file:///etc/deskcluster/cassandra.yaml -Dcassandra.replace_address_first_boot=10.0.0.3"],
      config: "cassandra-lab3-join-yaml",
    }, "replaced with its join config (seeds without itself) and the replace flag");
    const after = engine.service("cassandra-lab3")!.Spec.TaskTemplate.ContainerSpec;
    assert.deepEqual([after.Env, after.Configs[0].ConfigName], [usual, "cassandra-lab3-yaml"], "then its usual spec");
    assert.deepEqual([1, 2].map((n) => engine.service(`cassandra-lab${n}`)!.task.ID), untouched, "lab1 and lab2 were restarted");
    assert.ok(boards[2].ran.includes(memberMarkScript(markers.lab3)), "the replaced node is marked a member again");
  });
});

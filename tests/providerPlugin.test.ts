// deskcluster's provider plugin as the engine calls it: routed by the URN's type, secrets in
// wire form kept secret on the way back, state written by 0.1.x's dynamic resources upgraded
// by an update that touches nothing on the boards. The real previews run the same plugin
// process through the engine (tests/preview.test.ts).
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { served } from "../providers/plugin";
import { commandState, remoteCommandProvider } from "../providers/remoteCommand";
import { pluginProvider, Served } from "../providers/pluginProvider";
import { legacyProviderKey, legacyType, resourceTypes, typeOfUrn } from "../providers/resourceTypes";
import { secretValue, unwrap } from "../providers/wireValues";

const urn = (type: string, name: string) => `urn:pulumi:lab::deskcluster::deskcluster:index:DeskCluster$deskcluster:index:Board$${type}::${name}`;
const commandUrn = urn(resourceTypes.remoteCommand, "docker-lab1");
const isSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;

/** A provider that records what the plugin hands it and does what a converge step does. */
function recording() {
  const calls: { op: string; args: unknown[] }[] = [];
  const p: pulumi.dynamic.ResourceProvider = {
    async check(olds, news) { calls.push({ op: "check", args: [olds, news] }); return { inputs: news }; },
    async diff(_id, olds, news) { calls.push({ op: "diff", args: [olds, news] }); return { changes: olds.create !== news.create }; },
    async create(inputs) { calls.push({ op: "create", args: [inputs] }); return { id: "c1", outs: { ...inputs, stdout: "ran" } }; },
    async update(_id, olds, news) { calls.push({ op: "update", args: [olds, news] }); return { outs: { ...news, stdout: "ran again" } }; },
    async read(id, props) { calls.push({ op: "read", args: [props] }); return { id, props: { ...props, observed: { state: "active" } } }; },
    async delete(_id, props) { calls.push({ op: "delete", args: [props] }); },
  };
  const all = Object.fromEntries(Object.values(resourceTypes).map((t) => [t, p])) as Served;
  return { calls, plugin: pluginProvider(all, "0.0.0-test") };
}

const connection = { board: "lab1", host: "172.30.77.11", port: 22, user: "pi", privateKey: "KEY", hostKey: "ssh-ed25519 AAAA" };

describe("provider plugin", () => {
  it("serves every deskcluster type, each by its own provider, and names an unknown one", async () => {
    assert.deepEqual(Object.keys(served).sort(), Object.values(resourceTypes).sort());
    assert.equal(typeOfUrn(commandUrn), "deskcluster:remote:Command");
    const { plugin } = recording();
    await assert.rejects(plugin.create!(urn("deskcluster:remote:Nope", "x"), {}), /unknown resource type deskcluster:remote:Nope/);
  });

  it("hands providers plain values and keeps a secret input's property secret in the outputs", async () => {
    const { calls, plugin } = recording();
    const r = await plugin.create!(commandUrn, { connection: secretValue(connection), create: "true", stdin: secretValue("token") });
    assert.deepEqual(calls[0].args[0], { connection, create: "true", stdin: "token" });
    assert.ok(isSecret(r.outs.connection) && isSecret(r.outs.stdin), "connection and stdin stay secret");
    assert.equal(r.outs.create, "true");
    assert.equal(r.outs.stdout, "ran");
    assert.deepEqual(unwrap(r.outs.connection).value, connection);
    // A secret nested anywhere inside a property makes the whole property secret again.
    const read = await plugin.read!("c1", commandUrn, { connection: { ...connection, privateKey: secretValue("KEY") }, create: "true" });
    assert.ok(isSecret(read.props.connection));
  });

  it("upgrades state a 0.1.x dynamic resource wrote: an update without any effect that drops the stored code", async () => {
    const { calls, plugin } = recording();
    const code = "exports.handler = ...20 KB of serialized provider...";
    const olds = { [legacyProviderKey]: code, connection: secretValue(connection), create: "true", stdout: "x" };
    const news = { connection: secretValue(connection), create: "true" };
    const d = await plugin.diff!("c1", commandUrn, olds, news);
    assert.equal(d.changes, true, "the engine must write the lean state");
    assert.deepEqual(d.replaces ?? [], []);
    const u = await plugin.update!("c1", commandUrn, olds, news);
    assert.deepEqual(calls.map((c) => c.op), ["diff", "diff"], "no update ran on the board");
    assert.ok(!(legacyProviderKey in u.outs));
    assert.equal(u.outs.stdout, "x", "what the board last reported is kept");
    assert.ok(isSecret(u.outs.connection));
    for (const c of calls) assert.ok(!(legacyProviderKey in (c.args[0] as object)), "providers never see the stored code");
  });

  it("a 0.1.x resource whose inputs changed too converges as any update does", async () => {
    const { calls, plugin } = recording();
    const olds = { [legacyProviderKey]: "code", connection, create: "old script" };
    const u = await plugin.update!("c1", commandUrn, olds, { connection, create: "new script" });
    assert.deepEqual(calls.map((c) => c.op), ["diff", "update"]);
    assert.equal(u.outs.stdout, "ran again");
    const d = await recording().plugin.diff!("c1", commandUrn, { connection, create: "same" }, { connection, create: "same" });
    assert.equal(d.changes, false, "lean state with the same inputs has no diff");
  });

  it("keeps a step's state lean: one digest of its scripts, stdin, triggers and target, not the text; what delete needs", async () => {
    const create = "apt-get install -y docker.io\n".repeat(40);
    const inputs = { connection, what: "docker", create, stdin: "SWMTKN-secret", delete: "true", probe: "echo {}" };
    const state = commandState(inputs, { stdout: "ok", stderr: "" });
    const text = JSON.stringify(state);
    assert.ok(!text.includes("apt-get") && !text.includes("SWMTKN-secret"), "neither the script nor the stdin is stored");
    assert.ok(text.length < inputs.create.length, `state of ${text.length} bytes for a ${inputs.create.length}-byte script`);
    // The undo and its board stay for the delete (which gets the outputs alone); the probe is an input, which read gets.
    assert.equal(state.delete, "true");
    assert.deepEqual(state.connection, connection);
    assert.equal(state.probe, undefined);
    const noUndo = commandState({ ...inputs, delete: undefined }, { stdout: "ok" });
    assert.deepEqual(Object.keys(noUndo).sort(), ["applied", "stdout"], "a step without an undo keeps no connection (and its label stays an input)");
    assert.equal((await remoteCommandProvider.diff!("c1", noUndo, { ...inputs, delete: undefined })).changes, false);
    assert.equal((await remoteCommandProvider.diff!("c1", noUndo, { ...inputs, delete: undefined, probe: "echo '{}'" })).changes, true, "a new probe");
    const moved = { ...inputs, delete: undefined, connection: { ...connection, hostKey: "ssh-ed25519 BBBB" } };
    assert.equal((await remoteCommandProvider.diff!("c1", noUndo, moved)).changes, true, "a reflashed board's new host key re-runs the step");
    const rotated = { ...inputs, delete: undefined, connection: { ...connection, privateKey: "OTHER" } };
    assert.equal((await remoteCommandProvider.diff!("c1", noUndo, rotated)).changes, false, "a rotated private key changes nothing");
    const diff = (olds: object, news: object) => remoteCommandProvider.diff!("c1", olds, news);
    assert.equal((await diff(state, inputs)).changes, false);
    assert.equal((await diff(state, { ...inputs, create: `${inputs.create}echo more\n` })).changes, true, "a changed script re-runs");
    assert.equal((await diff(state, { ...inputs, stdin: "SWMTKN-other" })).changes, true, "a changed secret re-runs");
    assert.equal((await diff(state, { ...inputs, triggers: [1] })).changes, true);
    // State written by 0.1 kept the text itself: the same inputs are no change, and the upgrade writes the lean form.
    const old = { ...inputs, stdout: "ok", stderr: "" };
    assert.equal((await diff(old, inputs)).changes, false);
    assert.deepEqual(remoteCommandProvider.restate!(old, inputs), state);
  });

  it("pins each board's host key from config deskcluster:hostKeys: inputs keep the address only, kept targets are secret", async () => {
    const saved = process.env.PULUMI_CONFIG;
    const address = { board: "lab1", host: "172.30.77.11", port: 22, user: "pi" };
    const rollUrn = urn(resourceTypes.kafkaRoll, "kafka-nodes");
    try {
      process.env.PULUMI_CONFIG = JSON.stringify({ hostKeys: JSON.stringify({ lab1: "ssh-ed25519 AAAAlab1" }) });
      const { calls, plugin } = recording();
      const news = { connection: address, create: "true" };
      const checked = await plugin.check!(commandUrn, {}, news);
      assert.deepEqual(checked.inputs, news, "the inputs the engine keeps carry no key");
      assert.deepEqual(calls[0].args[1], { connection: { ...address, hostKey: "ssh-ed25519 AAAAlab1" }, create: "true" }, "checked pinned");
      const made = await plugin.create!(commandUrn, news);
      assert.deepEqual(calls[1].args[0], { connection: { ...address, hostKey: "ssh-ed25519 AAAAlab1" }, create: "true" });
      assert.ok(isSecret(made.outs.connection), "a kept target holds the key: secret");
      await plugin.create!(rollUrn, { manager: address, connections: { lab1: address } });
      const pinned = { ...address, hostKey: "ssh-ed25519 AAAAlab1" };
      assert.deepEqual(calls[2].args[0], { manager: pinned, connections: { lab1: pinned } });
      // A target carrying its own key (tools, tests) keeps it.
      await plugin.create!(commandUrn, { connection: secretValue(connection), create: "true" });
      assert.deepEqual(calls[3].args[0], { connection, create: "true" });
      // A board without a pinned key is refused at check, by name, before anything runs.
      const refused = await plugin.check!(commandUrn, {}, { connection: { ...address, board: "lab9" }, create: "true" });
      assert.match(refused.failures?.[0]?.reason ?? "", /board lab9, field hostKey: no host key in config deskcluster:hostKeys\["lab9"\]/);
    } finally {
      if (saved === undefined) delete process.env.PULUMI_CONFIG;
      else process.env.PULUMI_CONFIG = saved;
    }
  });

  it("hands providers specs and recipes as objects and keeps them as JSON strings, reading older objects too", async () => {
    const { calls, plugin } = recording();
    const spec = { Name: "kafka-lab1", TaskTemplate: { ContainerSpec: { Image: "kafka:3.9.1", Env: ["A=1"] } } };
    const made = await plugin.create!(urn(resourceTypes.swarmService, "kafka-lab1"), { manager: connection, kind: "service", spec: JSON.stringify(spec) });
    assert.deepEqual((calls[0].args[0] as { spec: unknown }).spec, spec);
    assert.equal(made.outs.spec, '{"Name":"kafka-lab1","TaskTemplate":{"ContainerSpec":{"Env":["A=1"],"Image":"kafka:3.9.1"}}}', "canonical JSON");
    await plugin.diff!("s1", urn(resourceTypes.swarmService, "kafka-lab1"), { spec }, { spec: JSON.stringify(spec) });
    assert.deepEqual(calls[1].args, [{ spec }, { spec }], "state written before (an object) and the new string read the same");
  });

  it("aliases each new type to its 0.1.x dynamic type", () => {
    assert.equal(legacyType("remoteCommand"), "pulumi-nodejs:dynamic/deskcluster:RemoteCommand");
    assert.equal(legacyType("swarmService"), "pulumi-nodejs:dynamic/deskcluster:SwarmService");
    assert.equal(legacyType("kafkaRoll"), "pulumi-nodejs:dynamic/deskcluster:KafkaRoll");
  });
});

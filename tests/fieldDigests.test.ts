// Applied specs kept as field digests: a diff still names the field that changes, from a few
// bytes a field, and the same spec gives the same digests however its keys are ordered.
import assert from "node:assert/strict";
import { changedFields, fieldDigests } from "../providers/fieldDigests";

const spec = {
  Name: "kafka-lab1", Labels: { "deskcluster.role": "kafka" },
  TaskTemplate: { ContainerSpec: { Image: "kafka:3.9.1", Env: ["A=1", "B=2"] }, Resources: { Limits: { MemoryBytes: 1 << 30 } } },
};

describe("field digests", () => {
  it("open objects down to three levels, so a change names TaskTemplate.ContainerSpec.Env, not the whole spec", () => {
    const d = fieldDigests(spec);
    assert.deepEqual(Object.keys(d).sort(), ["Labels.deskcluster.role", "Name", "TaskTemplate.ContainerSpec.Env", "TaskTemplate.ContainerSpec.Image",
      "TaskTemplate.Resources.Limits"]);
    assert.ok(Object.values(d).every((v) => /^[0-9a-f]{16}$/.test(v)));
    assert.ok(!JSON.stringify(d).includes("kafka:3.9.1"), "no value is kept");
    const env = structuredClone(spec);
    env.TaskTemplate.ContainerSpec.Env.push("C=3");
    assert.deepEqual(changedFields(d, fieldDigests(env)), ["TaskTemplate.ContainerSpec.Env"]);
  });

  it("a field added or removed changes; key order does not", () => {
    const task = { Resources: spec.TaskTemplate.Resources, ContainerSpec: spec.TaskTemplate.ContainerSpec };
    const reordered = { TaskTemplate: task, Labels: spec.Labels, Name: spec.Name };
    assert.deepEqual(changedFields(fieldDigests(spec), fieldDigests(reordered)), []);
    const mode = { ...spec, Mode: { Global: {} } };
    assert.deepEqual(changedFields(fieldDigests(spec), fieldDigests(mode)), ["Mode.Global"]);
    assert.deepEqual(changedFields(fieldDigests(mode), fieldDigests(spec)), ["Mode.Global"]);
    assert.deepEqual(changedFields(fieldDigests({ ...spec, Labels: {} }), fieldDigests(spec)), ["Labels", "Labels.deskcluster.role"]);
  });
});

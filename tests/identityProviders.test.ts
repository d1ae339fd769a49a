// The two providers that hold identity: ClusterId (made once, never changed by any diff) and
// KafkaIdentity (a live node's id and rack recorded in state; an in-place change refused at check).
import assert from "node:assert/strict";
import { kafkaIdentityProvider } from "../providers/kafkaIdentity";
import { clusterIdProvider } from "../providers/clusterId";

describe("identity providers", () => {
  it("ClusterId: 22 base64url characters, never a leading '-', a fresh one per create", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const { outs, id } = await clusterIdProvider.create!({});
      assert.match(outs.clusterId, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      assert.ok(!outs.clusterId.includes(id), "the resource id shows in plans: it must not reveal the secret");
      ids.add(outs.clusterId);
    }
    assert.equal(ids.size, 300);
  });

  it("ClusterId: no diff ever changes or replaces it (it has no inputs, and has no read or delete effect)", async () => {
    const d = await clusterIdProvider.diff!("id", { clusterId: "a" }, {});
    assert.deepEqual([d.changes, d.replaces ?? []], [false, []]);
    assert.equal(clusterIdProvider.update, undefined);
    assert.equal(clusterIdProvider.delete, undefined, "forgetting the id must not touch a board");
  });

  const lab2 = { board: "lab2", nodeId: 2, rack: "rack-2" };
  it("KafkaIdentity: records the identity; the same one again is no change", async () => {
    const c = await kafkaIdentityProvider.create!(lab2);
    assert.deepEqual([c.id, c.outs], ["lab2-2", lab2]);
    assert.deepEqual((await kafkaIdentityProvider.check!(lab2, lab2)).failures, []);
    assert.equal((await kafkaIdentityProvider.diff!("lab2-2", lab2, lab2)).changes, false);
  });

  it("KafkaIdentity: a changed id or rack of a live node is refused at check, naming board and field", async () => {
    const f = (await kafkaIdentityProvider.check!(lab2, { ...lab2, nodeId: 7, rack: "rack-9" })).failures!;
    assert.deepEqual(f.map((x) => x.property).sort(), ["nodeId", "rack"]);
    assert.match(f.find((x) => x.property === "nodeId")!.reason, /board lab2, field identity\.kafka\.lab2: .* from 2 to 7/);
    assert.match(f.find((x) => x.property === "rack")!.reason, /board lab2, field rack: .* from rack-2 to rack-9/);
    assert.deepEqual((await kafkaIdentityProvider.check!({}, lab2)).failures, [], "a new node has no identity to keep");
  });
});

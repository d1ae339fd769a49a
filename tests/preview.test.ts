// The real engine, offline: `pulumi preview` of every stack with the policy pack, snapshots
// of the graph, and bad inventories refused by the pack's own policies (tests/policyOnly: a
// program that runs no rule itself) and by the program.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeBadInventory } from "./badInventories";
import { graphSnapshot } from "./graphSnapshot";
import { configWithInventory, devPreview, policyOnlyProgram, preview, root, throwawayLabConfig } from "./realPreview";

/**
 * Snapshots are reviewed, never made up by the run that checks them. A missing one fails under
 * CI (CI=true); elsewhere it is written and the test reported pending, so it shows as skipped.
 * After a reviewed change, regenerate them with:
 *   DESKCLUSTER_UPDATE_SNAPSHOTS=1 DESKCLUSTER_SKIP_LAB=1 npm test
 * and commit the diff: each line is op, type, name and a digest of the resource's inputs.
 */
function matchesSnapshot(test: Mocha.Context, stack: string, json: { steps: any[] }): void {
  const file = join(root, "tests/snapshots", `${stack}.preview.json`);
  const actual = graphSnapshot(json);
  const update = process.env.DESKCLUSTER_UPDATE_SNAPSHOTS === "1";
  if (!update && !existsSync(file)) {
    assert.notEqual(process.env.CI, "true", `${file} is missing: run DESKCLUSTER_UPDATE_SNAPSHOTS=1 locally, review it and commit it`);
  }
  if (update || !existsSync(file)) {
    writeFileSync(file, JSON.stringify(actual, null, 2) + "\n");
    console.log(`      wrote ${file}: review and commit it`);
    test.skip();
  }
  assert.deepEqual(actual, JSON.parse(readFileSync(file, "utf8")), `graph of ${stack} changed; review it, then rerun with DESKCLUSTER_UPDATE_SNAPSHOTS=1`);
}

describe("real pulumi preview with the policy pack", function () {
  this.timeout(180_000);

  it("previews dev: every board, the swarm, Cassandra, Kafka and Stargate, no secret in the output", function () {
    const r = devPreview().preview;
    assert.ok(r.ok, r.text.slice(-3000));
    const names = (r.json.steps as { urn: string }[]).map((s) => s.urn.split("::")[3]);
    for (const b of ["opi-m1", "opi-m2", "opi-m3", "pi-w1", "pi-w2", "pi-w3", "pi-w4", "pi-w5"]) assert.ok(names.includes(b), `board ${b}`);
    for (const n of ["swarm", "cassandra-nodes", "kafka-nodes", "stargate-pi-w5", "stargate-pi-w5-graphql"]) assert.ok(names.includes(n), n);
    assert.deepEqual(r.json.config["deskcluster:sshPrivateKey"], "[secret]");
    // "openssh-key-v1" in base64 opens every OpenSSH private key body.
    assert.ok(!/b3BlbnNzaC1rZXktdjE|ssh-ed25519 AAAA/.test(r.text), "key material in preview output");
    matchesSnapshot(this, "dev", r.json);
  });

  it("previews lab with throwaway secrets and no board running", function () {
    const r = preview("lab", ["--config-file", throwawayLabConfig()]);
    assert.ok(r.ok, r.text.slice(-3000));
    matchesSnapshot(this, "lab", r.json);
  });

  for (const [fixture, expected] of [
    ["wifi-only-board", "[wired-ethernet] board pi-w2, field interfaces: no wired interface"],
    ["ram-overcommit", "[memory-budget] board pi-w1, field roles:"],
  ]) {
    it(`refuses ${fixture} by the policy's own message`, () => {
      const config = configWithInventory("dev", writeBadInventory(fixture));
      const r = preview("dev", ["--cwd", policyOnlyProgram, "--config-file", config], {}, false);
      assert.equal(r.ok, false, "preview must fail");
      const violations = r.text.slice(r.text.indexOf("Policy Violations:"));
      assert.match(violations, /\[mandatory\]\s+deskcluster v0\.1\.0\s+(wired-ethernet|memory-budget)/);
      assert.ok(violations.includes(expected), r.text.slice(-3000));
    });
  }

  it("refuses the same fixture in the program itself before any resource is registered", () => {
    const r = preview("dev", ["--config-file", configWithInventory("dev", writeBadInventory("wifi-only-board"))]);
    assert.equal(r.ok, false);
    assert.match(r.text, /nothing was changed:[\s\S]*\[wired-ethernet\] board pi-w2, field interfaces: no wired interface/);
    assert.ok(!(r.json?.steps ?? []).some((s: { urn: string }) => s.urn.includes("deskcluster:index:Board")), "no board may be planned");
  });
});

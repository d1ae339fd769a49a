// A lab board is a container: its vitals must report its own memory limit (the board's RAM),
// not the host's, read from its cgroup (v2 and v1 fixtures), and a real board stays as it is.
import assert from "node:assert/strict";
import { join } from "node:path";
import { Sampler } from "../health/sampler";
import { boardMemory } from "../health/vitals";
import { root } from "./helpers";

const sampleOf = (fixture: string) => {
  const tree = join(root, "tests", "health-fixtures", fixture);
  return new Sampler("lab1", { proc: join(tree, "proc"), sys: join(tree, "sys"), dataDir: tree }).sample();
};

describe("health agent: the board's own memory limit", () => {
  it("reads a 4 GB lab board on a 24 GB host from cgroup v2: limit, usage less inactive file pages", () => {
    const r = sampleOf("lab-board-cgroup2");
    assert.deepEqual([r.memTotalKb, r.memFreeKb, r.memAvailableKb], [4_194_304, 3_145_728, 3_407_872]);
  });

  it("reads cgroup v1 the same way", () => {
    const r = sampleOf("lab-board-cgroup1");
    assert.deepEqual([r.memTotalKb, r.memFreeKb, r.memAvailableKb], [2_097_152, 1_572_864, 1_572_864]);
  });

  it("keeps the host's figures without a limit, or with one above MemTotal (a real board)", () => {
    const host = { totalKb: 8_000_000, freeKb: 5_000_000, availableKb: 6_900_000 };
    assert.deepEqual(boardMemory(host, { max: "max\n", current: "1000" }), host);
    assert.deepEqual(boardMemory(host, { max: "9223372036854771712" }), host);
    assert.deepEqual(boardMemory(host, { max: String(16 * 1024 ** 3) }), host);
    assert.deepEqual(boardMemory(host, {}), host);
    assert.deepEqual(sampleOf("vm-no-thermal").memTotalKb, 2_048_000);
  });
});

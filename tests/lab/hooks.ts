// One lab for every lab test file (mocha root hooks): brought up by the main command before the
// first file, torn down after the last, with the checks that teardown leaves nothing behind.
import assert from "node:assert/strict";
import { execSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { upgradeFromPreviousRelease } from "./upgrade";

const root = join(__dirname, "..", "..");
const lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";
const run = (cmd: string) => spawnSync("bash", ["-c", cmd], { cwd: root, stdio: "inherit", env: process.env });
const leftovers = () => ["ps -aq", "volume ls -q", "network ls -q"]
  .map((c) => execSync(`docker ${c} --filter label=deskcluster.lab=${lab}`, { encoding: "utf8" }).trim()).filter(Boolean);
let cgroupsBefore: string[] = [];

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60 * 60_000);
    // The engine first: on a machine that just booted nothing answers `docker ps` yet.
    assert.equal(run("bash lab/engine.sh").status, 0, "lab/engine.sh failed");
    // A lab left by an interrupted run (a session or CI job ended mid-test): start from nothing.
    if (leftovers().length > 0) run("bash lab/down.sh || true");
    cgroupsBefore = readdirSync("/sys/fs/cgroup").sort();
    // The lab as the previous release left it, upgraded by this checkout's main command
    // (tests/lab/upgrade.test.ts checks the upgrade); DESKCLUSTER_LAB_FRESH=1 starts from bare boards instead.
    if (process.env.DESKCLUSTER_LAB_FRESH === "1") {
      assert.equal(run("bash lab/up.sh").status, 0, "lab/up.sh failed");
    } else {
      await upgradeFromPreviousRelease((cmd) => run(cmd).status ?? 1);
    }
  },
  afterAll(this: Mocha.Context) {
    this.timeout(10 * 60_000);
    if (process.env.DESKCLUSTER_KEEP_LAB === "1") return;
    const down = run("bash lab/down.sh");
    assert.equal(down.status, 0, "lab/down.sh failed");
    assert.deepEqual(leftovers(), [], "containers, volumes or networks of the lab remain");
    assert.deepEqual(readdirSync("/sys/fs/cgroup").sort(), cgroupsBefore, "the host's cgroup hierarchies changed");
    // The stack files are the repository's: bringing a lab up and down must not rewrite them.
    assert.equal(execSync("git status --porcelain -- 'Pulumi*.yaml'", { cwd: root, encoding: "utf8" }), "", "lab up/down changed the Pulumi files");
  },
};

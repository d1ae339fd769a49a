// The engine restart a new daemon.json needs, as configgen: only when the board's services are
// safe to stop, Cassandra drained first, and done only once they are back.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { dockerSetupScript, engineRestartScript } from "../model/boardScripts";
import { boardStep, planCluster } from "../model/clusterPlan";
import { osOf } from "../model/operatingSystems";
import { stack } from "./helpers";

describe("board scripts: a running engine restarts only when its services can stop", () => {
  const plan = planCluster(stack("dev"));
  const at = (lines: string[], pattern: RegExp) => lines.findIndex((l) => pattern.test(l));

  it("waits for the ring and the partitions, drains Cassandra, restarts, then waits for both again", () => {
    const worker = plan.boards.find((b) => b.board.roles.includes("cassandra") && b.board.roles.includes("kafka-broker"))!;
    const lines = engineRestartScript(boardStep(worker));
    const order = [/nodetool status/, /nodetool drain/, /under-replicated/, /systemctl restart docker/].map((p) => at(lines, p));
    assert.deepEqual([...order].sort((a, b) => a - b), order, lines.join("\n"));
    assert.ok(order.every((i) => i >= 0), lines.join("\n"));
    assert.ok(lines.slice(order[3]).some((l) => /nodetool status/.test(l)) && lines.slice(order[3]).some((l) => /under-replicated/.test(l)));
    assert.match(lines.join("\n"), new RegExp(`board ${worker.name}: Docker restart for the new daemon.json refused`));
  });

  it("restarts a manager without data services directly, and a fresh install never waits", () => {
    const manager = plan.boards.find((b) => !b.board.roles.includes("cassandra") && !b.board.roles.includes("kafka-broker"))!;
    assert.deepEqual(engineRestartScript(boardStep(manager)).filter((l) => /nodetool|kafka-topics/.test(l)), []);
    const script = dockerSetupScript(boardStep(manager));
    assert.match(script, /if \[ "\$changed" = 1 \] && \[ "\$running" = active \]; then/);
    assert.match(script, /elif \[ "\$changed" = 1 \]; then sudo systemctl restart docker/);
  });
});

describe("board scripts: an installed engine is found without sbin on PATH", () => {
  it("tests for dockerd by path, so a re-run does not reinstall and restart a running engine", () => {
    const script = dockerSetupScript(boardStep(planCluster(stack("dev")).boards[0]));
    assert.doesNotMatch(script, /command -v dockerd/);
    assert.match(script, /\[ ! -x \/usr\/sbin\/dockerd \] && \[ ! -x \/usr\/bin\/dockerd \]/);
  });
});

describe("board scripts: a fresh install is not a restart", () => {
  it("reads whether the engine ran before installing it, and guards only services that run on the board", () => {
    const worker = planCluster(stack("dev")).boards.find((b) => b.board.roles.includes("cassandra"))!;
    const script = dockerSetupScript(boardStep(worker));
    assert.ok(script.indexOf("running=$(systemctl is-active docker") < script.indexOf("apt-get install"), script);
    assert.match(script, /if \[ -n "\$had_cassandra" \]; then/);
  });
});

describe("board scripts: the memory cgroup is switched on in the file the board's OS boots with", () => {
  // The docker step's memory-cgroup branch run by bash: a stand-in docker without memory limits, sudo that runs as is,
  // and the boot files under a scratch root (the script's absolute paths rewritten into it).
  function switchOn(os: "raspberry-pi-os" | "armbian", files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), "deskcluster-cgroup-"));
    for (const [f, text] of Object.entries(files)) { mkdirSync(join(dir, dirname(f)), { recursive: true }); writeFileSync(join(dir, f), text); }
    writeFileSync(join(dir, "sudo"), `#!/bin/bash\nexec "$@"\n`);
    writeFileSync(join(dir, "docker"), `#!/bin/bash\necho false\n`);
    for (const f of ["sudo", "docker"]) chmodSync(join(dir, f), 0o755);
    const plan = planCluster(stack("dev"));
    const step = boardStep(plan.boards.find((b) => osOf(b.board) === os)!);
    const script = dockerSetupScript(step);
    const branch = script.slice(script.indexOf("if [ \"$(sudo docker info --format '{{.MemoryLimit}}')\""), script.lastIndexOf("fi") + 2)
      .replace(/\/boot\//g, `${dir}/boot/`);
    const r = spawnSync("bash", ["-c", branch], { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    return { code: r.status, err: r.stderr, read, done: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it("Raspberry Pi OS: appends to the one line of /boot/firmware/cmdline.txt and asks for a reboot", () => {
    const r = switchOn("raspberry-pi-os", { "boot/firmware/cmdline.txt": "console=tty1 root=PARTUUID=1-02 rootwait\n" });
    try {
      assert.equal(r.code, 1);
      assert.match(r.err, /\/boot\/firmware\/cmdline.txt now enables it: reboot/);
      assert.equal(r.read("boot/firmware/cmdline.txt"), "console=tty1 root=PARTUUID=1-02 rootwait cgroup_enable=memory cgroup_memory=1\n");
    } finally { r.done(); }
  });

  it("Armbian: extends extraargs= in /boot/armbianEnv.txt (or adds it), never a cmdline.txt Armbian does not boot with", () => {
    const r = switchOn("armbian", { "boot/armbianEnv.txt": "verbosity=1\nrootfstype=ext4\n", "boot/cmdline.txt": "decoy\n" });
    try {
      assert.equal(r.code, 1);
      assert.match(r.err, /\/boot\/armbianEnv.txt now enables it/);
      assert.equal(r.read("boot/armbianEnv.txt"), "verbosity=1\nrootfstype=ext4\nextraargs=cgroup_enable=memory cgroup_memory=1\n");
      assert.equal(r.read("boot/cmdline.txt"), "decoy\n");
    } finally { r.done(); }
    const again = switchOn("armbian", { "boot/armbianEnv.txt": "extraargs=net.ifnames=0\n" });
    try {
      assert.equal(again.read("boot/armbianEnv.txt"), "extraargs=net.ifnames=0 cgroup_enable=memory cgroup_memory=1\n");
    } finally { again.done(); }
  });
});

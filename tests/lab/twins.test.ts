// The lab starts from cards as flashed: each board a twin of Raspberry Pi OS or Armbian with its RAM as its
// memory limit, read by preflight before anything changed, bootstrapped (the deploy user, host keys recorded),
// and a bootstrap that runs again changes nothing and refuses a board whose host key is not the recorded one.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { latestVitals } from "../../lab/checks/health";
import { LabContext, labContext, labDir } from "../../lab/checks/labContext";
import { boardModel } from "../../model/catalog";
import { operatingSystems, osOf } from "../../model/operatingSystems";
import { runsDataNodes } from "../../model/osPreparation";

const root = join(__dirname, "..", "..");
const lab = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";
const dir = labDir(lab);

interface Finding { board: string; field: string; severity: string; message: string; fix: string }
interface Report { boards: { board: string; findings: Finding[] }[]; problems: number; seconds: number }

/** A user's command from the repository's root, with the lab stack's toolchain and passphrase. */
function cli(args: string): { code: number; out: string } {
  const cmd = `. scripts/toolchain/env.sh && STACK=lab . scripts/stackEnv.sh && npx --no-install ts-node --transpile-only ${args}`;
  const r = spawnSync("bash", ["-c", cmd], { cwd: root, encoding: "utf8", env: process.env });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}
const fingerprints = (ctx: LabContext) => ctx.inventory.boards.map((b) => {
  const fp = spawnSync("ssh-keygen", ["-lf", join(dir, "hostkeys", b.name, "ssh_host_ed25519_key.pub")], { encoding: "utf8" }).stdout.split(" ")[1];
  return `--fingerprint ${b.name}=${fp}`;
}).join(" ");

describe("twin boards, preflight and bootstrap (cards as flashed)", function () {
  this.timeout(10 * 60_000);
  let ctx: LabContext;
  before(() => { ctx = labContext(root, dir); });

  it("runs each board as a twin of its OS, limited to its inventory RAM, and its vitals show that RAM", async () => {
    const kinds = new Set<string>();
    const vitals = await latestVitals(ctx);
    for (const b of ctx.inventory.boards) {
      const os = osOf(b);
      kinds.add(os);
      const inspect = spawnSync("docker", ["inspect", "-f", "{{.HostConfig.Memory}} {{index .Config.Labels \"deskcluster.os\"}}", `${lab}-${b.name}`],
        { encoding: "utf8" }).stdout.trim().split(" ");
      const ramMb = boardModel(b.model).ramMb ?? b.ramMb!;
      assert.equal(Number(inspect[0]), ramMb * 1024 * 1024, `board ${b.name}: container memory limit`);
      assert.equal(inspect[1], os, `board ${b.name}: twin kind`);
      await ctx.console(b.name, `test -f ${operatingSystems[os].releaseFile}`);
      const row = vitals.get(b.name);
      if (!b.roles.includes("health-agent")) continue;
      assert.ok(row, `board ${b.name}: no vitals`);
      const totalMb = Number(row.mem_total_kb) / 1024;
      assert.ok(Math.abs(totalMb - ramMb) < ramMb * 0.02, `board ${b.name}: vitals show ${totalMb.toFixed(0)} MB, the board has ${ramMb} MB`);
    }
    assert.deepEqual([...kinds].sort(), ["armbian", "raspberry-pi-os"], "the lab mixes both kinds of card");
  });

  it("read the cards as flashed with preflight: each problem named per board and field, before anything changed", () => {
    const report = JSON.parse(readFileSync(join(dir, "preflight-as-flashed.json"), "utf8")) as Report;
    console.log(`      preflight of ${report.boards.length} cards as flashed: ${report.problems} problems in ${report.seconds} s`);
    assert.ok(report.problems > 0);
    assert.equal(readFileSync(join(dir, "preflight-as-flashed.rc"), "utf8").trim(), "1", "preflight's exit code with problems found");
    const problems = (board: string) => report.boards.find((r) => r.board === board)!.findings
      .filter((f) => f.severity === "problem").map((f) => f.field);
    for (const b of ctx.inventory.boards) {
      const fields = problems(b.name);
      // Swap is a problem where Cassandra or Kafka run (pulumi up turns it off), a note elsewhere.
      const swap = report.boards.find((r) => r.board === b.name)!.findings.find((f) => f.field === "swap");
      assert.equal(swap?.severity, runsDataNodes(b.roles) ? "problem" : "note", `board ${b.name}: swap: ${fields}`);
      assert.ok(fields.includes("time"), `board ${b.name}: time sync not named: ${fields}`);
      if (osOf(b) === "armbian") assert.ok(fields.includes("sudo"), `board ${b.name}: sudo's password not named: ${fields}`);
      // The boot file each OS really boots from was read (a container's kernel always has the memory cgroup: a note, not a problem).
      const boot = report.boards.find((r) => r.board === b.name)!.findings.find((f) => f.field === "kernel.memoryCgroup");
      assert.ok(boot?.message.includes(operatingSystems[osOf(b)].kernelArgs.file), `board ${b.name}: its boot file not read`);
      const storage = report.boards.find((r) => r.board === b.name)!.findings.find((f) => f.field.startsWith("storage"));
      assert.ok(storage, `board ${b.name}: no word on where its data lives`);
    }
  });

  it("bootstrapped the Armbian twins from sudo-wants-a-password to the deploy user with its key and narrow rule", async () => {
    for (const b of ctx.inventory.boards.filter((x) => osOf(x) === "armbian")) {
      // The card's own user still needs its password; the deploy user runs deskcluster's commands and nothing else.
      await assert.rejects(ctx.console(b.name, `su ${b.firstUser} -c 'sudo -n true'`), `board ${b.name}: the first user's sudo needs no password`);
      assert.match(await ctx.sh(b.name, "sudo -n -l systemctl"), /systemctl/);
      await assert.rejects(ctx.sh(b.name, "sudo -n cat /etc/shadow"), `board ${b.name}: the deploy user's rule is not narrow`);
    }
  });

  it("leaves after pulumi up only what a container cannot show: swap off where data nodes run, time sync on, vm.max_map_count", async () => {
    for (const b of ctx.inventory.boards) {
      const units = operatingSystems[osOf(b)].swapUnits.join(" ");
      const enabled = (await ctx.console(b.name, `for u in ${units}; do systemctl is-enabled $u || true; done`)).trim();
      assert.equal(enabled, runsDataNodes(b.roles) ? "disabled" : "enabled", `board ${b.name}: swap units ${units}`);
      assert.equal((await ctx.console(b.name, "systemctl is-enabled systemd-timesyncd")).trim(), "enabled", `board ${b.name}: time sync`);
    }
    const r = cli(`cli/preflight.ts stacks/lab.yaml --stack lab --config-file ${dir}/Pulumi.lab.yaml --json`);
    const report = JSON.parse(r.out.slice(r.out.indexOf("{"))) as Report;
    console.log(`      preflight of the converged lab: ${report.problems} problems in ${report.seconds} s`);
    const left = report.boards.flatMap((x) => x.findings.filter((f) => f.severity === "problem").map((f) => `${x.board} ${f.field}`));
    // timesyncd never runs in a container (its own unit condition): the clock is the host's. Everything else is clean.
    assert.deepEqual(left.filter((l) => !l.endsWith(" time")), [], JSON.stringify(report.boards.map((x) => x.findings)));
  });

  it("changes nothing when bootstrap runs again, and refuses a board whose host key is not the recorded one", () => {
    const args = `cli/bootstrap.ts stacks/lab.yaml --identity ${dir}/id_ed25519 --password-file ${dir}/first-password`;
    const again = cli(`${args} --stack lab --config-file ${dir}/Pulumi.lab.yaml ${fingerprints(ctx)}`);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /nothing changed/);
    // A config that recorded another key for lab2 (lab1's): refused by name, nothing run on it.
    const copy = join(dir, "Pulumi.lab.other-key.yaml");
    copyFileSync(join(dir, "Pulumi.lab.yaml"), copy);
    const keys = JSON.parse(readFileSync(join(dir, "hostkeys.json"), "utf8")) as Record<string, string>;
    const wrong = JSON.stringify({ ...keys, lab2: keys.lab1 });
    const set = spawnSync("bash", ["-c", `. scripts/toolchain/env.sh && STACK=lab . scripts/stackEnv.sh && `
      + `pulumi config set --secret deskcluster:hostKeys --stack lab --config-file ${copy}`], { cwd: root, input: wrong, encoding: "utf8" });
    assert.equal(set.status, 0, set.stderr);
    const refused = cli(`${args} --stack lab --config-file ${copy} --board lab2`);
    assert.notEqual(refused.code, 0, refused.out);
    assert.match(refused.out, /board lab2: host key differs/);
    assert.doesNotMatch(refused.out, /at .*\.ts:\d+/, "a stack trace");
  });
});

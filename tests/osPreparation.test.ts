// The OS preparation of the base step run by bash against stand-ins of the OS commands, on a card whose state is
// kept in files: a 32-bit userland is refused before anything changes; swap off where Cassandra or Kafka run, time
// synchronisation on, vm.max_map_count raised; a converged board changes nothing, and its read says so.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boardStep, BoardStep, planCluster } from "../model/clusterPlan";
import { architectureCheck, maxMapCount, osPreparationFacts, osPreparationScript, sysctlFile } from "../model/osPreparation";
import { stack } from "./helpers";

interface Card { arch: string; enabled: string[]; swaps: string[]; maxMapCount: number; chrony?: boolean }

/** A card as stand-ins see it: units enabled, swap active and the sysctl in files the stand-ins read and write. */
function layOut(card: Card) {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-osprep-"));
  const st = (f: string) => join(dir, f);
  writeFileSync(st("enabled"), card.enabled.map((u) => `${u}\n`).join(""));
  writeFileSync(st("swaps"), card.swaps.map((s) => `${s}\n`).join(""));
  writeFileSync(st("maxmap"), `${card.maxMapCount}\n`);
  const tools: Record<string, string> = {
    sudo: `exec "$@"`,
    dpkg: `echo ${card.arch}`,
    systemctl: [
      `echo "systemctl $*" >> ${st("calls")}`,
      `case "$1" in`,
      `  is-enabled) grep -qx "$3" ${st("enabled")} ;;`,
      `  is-active) [ "$3" = chrony ] && ${card.chrony ? "true" : "false"} ;;`,
      `  cat) true ;;`,
      `  disable) grep -vx "$3" ${st("enabled")} > ${st("e2")}; mv ${st("e2")} ${st("enabled")} ;;`,
      `  enable) echo "$3" >> ${st("enabled")} ;;`,
      `esac`,
    ].join("\n"),
    swapon: `cat ${st("swaps")}`,
    swapoff: `echo "swapoff $*" >> ${st("calls")}; grep -vx "$1" ${st("swaps")} > ${st("s2")}; mv ${st("s2")} ${st("swaps")}`,
    sysctl: `echo "sysctl $*" >> ${st("calls")}; case "$1" in -n) cat ${st("maxmap")} ;; -q) echo "\${3#*=}" > ${st("maxmap")} ;; esac`,
    "apt-get": `echo "apt-get $*" >> ${st("calls")}`,
  };
  for (const [name, body] of Object.entries(tools)) { writeFileSync(st(name), `#!/bin/bash\n${body}\n`); chmodSync(st(name), 0o755); }
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
  // The script's one absolute path written to, moved into the scratch folder.
  const local = (script: string) => script.split(sysctlFile).join(st("sysctl.conf"));
  return {
    run(step: BoardStep) {
      const script = ["set -eu", "changed=0", ...architectureCheck(step), ...osPreparationScript(step), `echo "changed=$changed"`].join("\n");
      const r = spawnSync("bash", ["-c", local(script)], { env, encoding: "utf8" });
      const calls = existsSync(st("calls")) ? readFileSync(st("calls"), "utf8").trim().split("\n") : [];
      rmSync(st("calls"), { force: true });
      return { code: r.status, out: r.stdout.trim(), err: r.stderr, calls: calls.filter((c) => !/ is-| cat /.test(c)) };
    },
    read(step: BoardStep): Record<string, string> {
      const { facts } = osPreparationFacts(step);
      const read = Object.fromEntries(Object.entries(facts).map(([k, cmd]) => [k, spawnSync("bash", ["-c", cmd], { env, encoding: "utf8" }).stdout.trim()]));
      rmSync(st("calls"), { force: true }); // a read is no call of the converge
      return read;
    },
    sysctlConf: () => readFileSync(st("sysctl.conf"), "utf8"),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const dev = planCluster(stack("dev"));
const step = (name: string) => boardStep(dev.boards.find((b) => b.name === name)!);
const piWorker = step("pi-w1"); // Cassandra and Kafka, Raspberry Pi OS
const asFlashed: Card = { arch: "arm64", enabled: ["dphys-swapfile.service"], swaps: ["/var/swap"], maxMapCount: 65530 };

describe("OS preparation (base step) against stand-ins of the OS commands", () => {
  it("turns swap off on a Cassandra board, enables timesyncd, raises vm.max_map_count; a second run changes nothing", () => {
    const card = layOut(asFlashed);
    try {
      assert.deepEqual(card.read(piWorker), { swap: "on: dphys-swapfile.service /var/swap", timeSync: "off", maxMapCount: "65530" });
      const first = card.run(piWorker);
      assert.equal(first.code, 0, first.err);
      assert.equal(first.out, "changed=1");
      assert.deepEqual(first.calls, [
        "systemctl disable --now dphys-swapfile.service", "swapoff /var/swap", "systemctl enable --now systemd-timesyncd",
        "sysctl -n vm.max_map_count", `sysctl -q -w vm.max_map_count=${maxMapCount}`,
      ]);
      assert.equal(card.sysctlConf(), `vm.max_map_count = ${maxMapCount}\n`);
      assert.deepEqual(card.read(piWorker), osPreparationFacts(piWorker).expect);
      const again = card.run(piWorker);
      assert.deepEqual([again.code, again.out, again.calls], [0, "changed=0", ["sysctl -n vm.max_map_count"]]);
    } finally { card.done(); }
  });

  it("refuses a 32-bit userland naming the board and field, before anything changes", () => {
    const card = layOut({ ...asFlashed, arch: "armhf" });
    try {
      const r = card.run(piWorker);
      assert.equal(r.code, 1);
      assert.match(r.err, /board pi-w1, field arch: the userland is armhf .* the board needs arm64: flash the 64-bit image/);
      assert.deepEqual(r.calls, []);
    } finally { card.done(); }
  });

  it("leaves swap alone on a board without Cassandra or Kafka, and a running chrony keeps time", () => {
    const gateway = { ...piWorker, board: { ...piWorker.board, roles: ["swarm-worker", "graphql-gateway"] as BoardStep["board"]["roles"] } };
    const card = layOut({ ...asFlashed, chrony: true, maxMapCount: 2_000_000 });
    try {
      const r = card.run(gateway);
      assert.deepEqual(r.calls.filter((c) => !c.startsWith("sysctl -n")), []);
      assert.deepEqual(card.read(gateway), { timeSync: "on", maxMapCount: "ok" });
    } finally { card.done(); }
  });
});

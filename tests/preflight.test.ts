// Preflight's script runs here for real, with bash, against a fixture tree (PREFLIGHT_ROOT) and
// stand-ins of the OS commands first on a PATH that holds nothing else: cards as flashed must show
// what the issue lists, and a clean board nothing. The CLI runs against an in-process SSH board.
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { AddressInfo, createServer, Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { fingerprintOf } from "../cli/firstContact";
import { Board, Inventory } from "../model/inventory";
import { Finding, preflightFindings } from "../model/preflightFindings";
import { parseFacts, preflightScript, shellQuote } from "../model/preflightScript";
import { hostKey, startBoard, userKey } from "./fakeBoard";
import { rawStack, root, stack } from "./helpers";

interface Card {
  files: Record<string, string>; // under PREFLIGHT_ROOT; a path ending in "/" is a folder
  user: string; arch: string; sudo: "nopasswd" | "password" | "listed"; enabled: Record<string, string>; active: Record<string, string>;
  ntp?: string; source: string; freeMb: number; routes?: Record<string, string>; addresses: string; docker?: string; dockerPackage?: string;
}

const piOs = (): Card => ({
  files: {
    "etc/rpi-issue": "Raspberry Pi reference 2024-11-19\n",
    "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
    "boot/firmware/cmdline.txt": "console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait "
      + "cfg80211.ieee80211_regdom=GB\n",
    // The Pi's kernel keeps the memory controller off without cgroup_enable=memory.
    "sys/fs/cgroup/cgroup.controllers": "cpuset cpu io pids\n",
    "proc/swaps": "Filename\tType\tSize\tUsed\tPriority\n/var/swap file\t204796\t0\t-2\n",
    "proc/meminfo": "MemTotal:        7997112 kB\nMemFree:         7000000 kB\n", "proc/sys/vm/max_map_count": "65530\n",
    "sys/class/net/eth0/": "", "sys/class/net/wlan0/wireless/": "", "dev/sda1": "", "mnt/": "",
  },
  user: "pi", arch: "arm64", sudo: "nopasswd", enabled: { "dphys-swapfile.service": "enabled" }, active: { "systemd-timesyncd": "active" },
  ntp: "no", source: "/dev/mmcblk0p2", freeMb: 25000, addresses: "192.168.50.140/24",
});

const armbian = (): Card => ({
  files: {
    "etc/armbian-release": "BOARD=orangepizero2\nVERSION=24.5.1\n", "etc/os-release": 'PRETTY_NAME="Armbian 24.5.1 bookworm"\nVERSION_CODENAME=bookworm\n',
    "boot/armbianEnv.txt": "verbosity=1\nbootlogo=false\noverlay_prefix=sun50i-h616\nrootdev=UUID=0b8d0f2c-7c8e-4f4e-9d0c-1f2e3d4c5b6a\n",
    "sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory pids\n",
    "proc/swaps": "Filename\tType\tSize\tUsed\tPriority\n/dev/zram0 partition\t500000\t0\t5\n",
    "proc/meminfo": "MemTotal:        1000300 kB\n", "sys/class/net/eth0/": "",
  },
  user: "orangepi", arch: "arm64", sudo: "password", enabled: { "armbian-zram-config.service": "enabled" },
  active: { "systemd-timesyncd": "active" }, ntp: "no", source: "/dev/mmcblk0p1", freeMb: 12000, addresses: "192.168.50.11/24",
});

/** A Raspberry Pi after bootstrap and a first `pulumi up`: nothing left to say. */
const clean = (arch = "arm64"): Card => ({
  ...piOs(), arch, sudo: "listed", enabled: {}, ntp: "yes", source: "/dev/sda1", addresses: "192.168.50.21/24", docker: "20.10.24",
  files: {
    ...piOs().files,
    "boot/firmware/cmdline.txt": `${piOs().files["boot/firmware/cmdline.txt"].trim()} cgroup_enable=memory cgroup_memory=1\n`,
    "sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory pids\n", "proc/swaps": "Filename\tType\tSize\tUsed\tPriority\n",
    "proc/sys/vm/max_map_count": "1048575\n", "mnt/ssd/deskcluster/": "", "var/lib/deskcluster/": "",
  },
});

const tools = ["bash", "sh", "true", "sed", "awk", "tr", "head", "tail", "grep", "dirname", "readlink", "cat", "printf"];
const work = mkdtempSync(join(tmpdir(), "preflight-"));
after(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

/** Lays a card out on disk: its file tree and a PATH holding only the stand-ins and the shell's own tools. */
function layOut(card: Card): { env: NodeJS.ProcessEnv } {
  const dir = join(work, String(n++)), rootDir = join(dir, "root"), bin = join(dir, "bin"), real = join(dir, "tools");
  for (const d of [rootDir, bin, real]) mkdirSync(d, { recursive: true });
  for (const [path, text] of Object.entries(card.files)) {
    const full = join(rootDir, path);
    mkdirSync(path.endsWith("/") ? full : dirname(full), { recursive: true });
    if (!path.endsWith("/")) writeFileSync(full, text);
  }
  for (const t of tools) symlinkSync(spawnSync("bash", ["-c", `type -P ${t}`], { encoding: "utf8" }).stdout.trim(), join(real, t));
  const routes = Object.entries(card.routes ?? {}).map(([p, dev]) => `${p}) dev=${dev};;`).join(" ");
  const cases = (m: Record<string, string>) => Object.entries(m).map(([u, s]) => `${u}) echo ${s}; exit 0;;`).join(" ");
  const sudo = {
    nopasswd: `shift; [ "$1" = -l ] && exit 0; exec "$@"`,
    password: `echo "sudo: a password is required" >&2; exit 1`,
    listed: `shift; [ "$1" = -l ] && [ "$2" = systemctl ] && exit 0; [ "$1" = docker ] && exec "$@"; echo "sudo: a password is required" >&2; exit 1`,
  }[card.sudo];
  const standIns: Record<string, string | undefined> = {
    id: `echo ${card.user}`,
    dpkg: `[ "$1" = --print-architecture ] && echo ${card.arch}`,
    "dpkg-query": card.dockerPackage ?? card.docker ? `echo "ii  ${card.dockerPackage ?? card.docker}"` : "exit 1",
    sudo,
    systemctl: `case "$1" in is-enabled) case "$2" in ${cases(card.enabled)} esac; exit 1;; `
      + `is-active) case "$2" in ${cases(card.active)} esac; echo inactive; exit 3;; esac; exit 1`,
    timedatectl: card.ntp === undefined ? undefined : `echo ${card.ntp}`,
    findmnt: `echo ${card.source}`,
    df: `echo "Filesystem 1M-blocks Used Available Capacity Mounted on"; echo "${card.source} 60000 1000 ${card.freeMb} 5% /"`,
    ip: `if [ "$1" = route ]; then dev=eth0; case "$3" in ${routes} esac; echo "$3 via 192.168.50.1 dev $dev src 192.168.50.21 uid 1000"; `
      + `else echo "2: eth0    inet ${card.addresses} brd 192.168.50.255 scope global eth0"; fi`,
    docker: card.docker ? `echo ${card.docker}` : undefined,
    blkid: "echo ext4",
  };
  for (const [name, body] of Object.entries(standIns)) if (body !== undefined) writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { env: { PATH: `${bin}:${real}`, PREFLIGHT_ROOT: rootDir } };
}

const peers = (inv: Inventory, b: Board) => inv.boards.filter((x) => x !== b).map((x) => x.interfaces[0].address);

function run(card: Card, boardName: string, inv: Inventory = stack("dev")) {
  const board = inv.boards.find((b) => b.name === boardName)!;
  const r = spawnSync("bash", ["-s"], { input: preflightScript(board, inv, peers(inv, board)), env: layOut(card).env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "", "the script is quiet on a card as flashed");
  const facts = parseFacts(r.stdout);
  return { facts, findings: preflightFindings(board, inv, facts) };
}

const problems = (fs: Finding[]) => fs.filter((f) => f.severity === "problem");
const about = (fs: Finding[], field: string) => fs.filter((f) => f.field === field);

describe("preflight: a Raspberry Pi OS card as flashed", () => {
  const { facts, findings } = run(piOs(), "pi-w1");

  it("reads the card's facts through the fixture root and the stand-ins", () => {
    assert.equal(facts["preflight.done"], "yes");
    assert.equal(facts["os.release.raspberry-pi-os"], "yes");
    assert.equal(facts["swap.active"], "/var/swap");
    assert.equal(facts["sudo.true"], "ok"); // the imager's NOPASSWD rule
    assert.equal(facts["storage.target"], "/mnt"); // the data folder does not exist yet: its nearest parent
  });

  it("finds swap (unit enabled and swap active) on a Cassandra board, for pulumi up to turn off", () => {
    const swap = about(findings, "swap");
    assert.equal(swap.length, 2, JSON.stringify(swap));
    for (const f of swap) assert.deepEqual([f.board, f.severity, f.fix], ["pi-w1", "problem", "pulumi up"]);
    assert.ok(swap.some((f) => /dphys-swapfile.service is enabled/.test(f.message)));
    assert.ok(swap.every((f) => f.message.includes("Cassandra and Kafka must not swap onto the SD card: pulumi up turns it off")));
  });

  it("finds the memory cgroup off, to be added to /boot/firmware/cmdline.txt by pulumi up", () => {
    const mc = about(findings, "kernel.memoryCgroup");
    assert.equal(mc.length, 1, JSON.stringify(mc));
    assert.deepEqual([mc[0].severity, mc[0].fix], ["problem", "pulumi up"]);
    assert.match(mc[0].message, /\/boot\/firmware\/cmdline\.txt/);
  });

  it("tells a time service that is off (pulumi up enables it) from one enabled that does not run (the user looks)", () => {
    const off = about(run({ ...piOs(), active: {} }, "pi-w1").findings, "time");
    assert.deepEqual(off.map((f) => [f.severity, f.fix]), [["problem", "pulumi up"]]);
    const held = { ...piOs(), active: {}, enabled: { ...piOs().enabled, "systemd-timesyncd": "enabled" } };
    const stuck = about(run(held, "pi-w1").findings, "time");
    assert.deepEqual(stuck.map((f) => [f.severity, f.fix]), [["problem", "you"]]);
    assert.match(stuck[0].message, /systemd-timesyncd is enabled but does not run/);
  });

  it("finds the clock not synchronised, the data folder off the declared disk, Docker to install; sudo and arch are fine", () => {
    assert.equal(problems(about(findings, "time")).length, 1);
    assert.match(about(findings, "storage.device").map((f) => f.message).join("|"), /^[^|]*on \/dev\/mmcblk0p2, not on \/dev\/sda1[^|]*$/);
    assert.deepEqual(about(findings, "docker").map((f) => [f.severity, f.fix]), [["note", "pulumi up"]]);
    for (const field of ["sudo", "arch", "os"]) assert.deepEqual(about(findings, field), [], field);
    assert.equal(about(findings, "sysctl.vm.max_map_count")[0]?.severity, "note");
  });

  it("a 32-bit image: flash the 64-bit one", () => {
    const arch = about(run({ ...piOs(), arch: "armhf" }, "pi-w1").findings, "arch");
    assert.deepEqual(arch.map((f) => [f.severity, f.fix]), [["problem", "you"]]);
    assert.match(arch[0].message, /32-bit.*flash the 64-bit image/);
  });

  it("the declared disk not plugged in", () => {
    const card = piOs();
    delete card.files["dev/sda1"];
    assert.match(about(run(card, "pi-w1").findings, "storage.device")[0]?.message ?? "", /\/dev\/sda1 does not exist: plug the disk in/);
  });

  it("a route to a peer leaving through wlan0, and a wired interface that is missing", () => {
    const wlan = problems(run({ ...piOs(), routes: { "192.168.50.11": "wlan0" } }, "pi-w1").findings);
    assert.deepEqual(wlan.filter((f) => f.field === "interfaces[0]").map((f) => f.message),
      ["traffic to 192.168.50.11 leaves through wlan0, not eth0: cluster traffic must stay wired"]);
    const card = piOs();
    delete card.files["sys/class/net/eth0/"];
    assert.match(problems(about(run(card, "pi-w1").findings, "interfaces[0]"))[0]?.message ?? "", /eth0 does not exist/);
  });

  it("little free space for the data folder", () => {
    const space = problems(about(run({ ...piOs(), freeMb: 900 }, "pi-w1").findings, "storage.dataDir")).map((f) => f.message);
    assert.deepEqual(space, ["only 900 MB free for /mnt/ssd/deskcluster (at least 2048 MB): free space or use a bigger disk"]);
  });

  it("Docker present: nothing to say; installed but not answering: pulumi up starts it", () => {
    const { facts: f, findings: present } = run({ ...piOs(), docker: "20.10.24" }, "pi-w1");
    assert.equal(f["docker.version"], "20.10.24");
    assert.deepEqual(about(present, "docker"), []);
    assert.match(about(run({ ...piOs(), dockerPackage: "20.10.24" }, "pi-w1").findings, "docker")[0].message, /daemon does not answer/);
  });
});

describe("preflight: an Armbian card as flashed", () => {
  const { findings } = run(armbian(), "opi-m1");

  it("sudo wants a password for the first user", () => {
    assert.deepEqual(about(findings, "sudo").map((f) => [f.severity, f.fix, f.message]),
      [["problem", "you", "sudo wants a password for user orangepi: run `npm run bootstrap` (it makes the deploy user)"]]);
  });

  it("zram swap on a KRaft controller: pulumi up turns it off; on a board without data nodes, Armbian's own way is named", () => {
    const swap = problems(about(findings, "swap"));
    assert.equal(swap.length, 2);
    assert.ok(swap.every((f) => f.fix === "pulumi up"));
    assert.ok(swap.some((f) => f.message.includes("/dev/zram0")));
    const dev = stack("dev");
    const gatewayOnly = { ...dev, boards: dev.boards.map((b) => (b.name === "opi-m1" ? { ...b, roles: ["swarm-manager" as const] } : b)) };
    const left = about(run(armbian(), "opi-m1", gatewayOnly).findings, "swap");
    assert.equal(left.length, 2);
    assert.ok(left.every((f) => f.severity === "note" && f.message.includes("sudo systemctl disable --now armbian-zram-config")));
  });

  it("reads cgroup_enable=memory from armbianEnv.txt's extraargs, not the Pi's cmdline.txt", () => {
    const lacking = about(findings, "kernel.memoryCgroup");
    assert.equal(lacking.length, 1);
    assert.match(lacking[0].message, /\/boot\/armbianEnv\.txt lacks cgroup_enable=memory/);
    const card = armbian();
    card.files["boot/armbianEnv.txt"] += "extraargs=cgroup_enable=memory cgroup_memory=1\n";
    card.files["boot/firmware/cmdline.txt"] = "console=tty1\n"; // not what this card boots from
    assert.deepEqual(about(run(card, "opi-m1").findings, "kernel.memoryCgroup"), []);
    card.files["sys/fs/cgroup/cgroup.controllers"] = "cpu io pids\n";
    assert.match(about(run(card, "opi-m1").findings, "kernel.memoryCgroup")[0].message, /reboot the board/);
  });

  it("notes the data folder on the SD card and a time problem; an OS other than the declared one is a problem", () => {
    assert.match(about(findings, "storage.dataDir")[0].message, /lives on \/dev\/mmcblk0p1 \(the SD card\)/);
    assert.equal(problems(about(findings, "time")).length, 1);
    assert.deepEqual(about(findings, "os"), []);
    const os = about(run(armbian(), "pi-w2").findings, "os");
    assert.match(os[0]?.message ?? "", /set `os: armbian`/);
  });
});

describe("preflight: a clean board, memory and quoting", () => {
  it("gives no finding at all on a board that is ready", () => {
    assert.deepEqual(run(clean(), "pi-w1").findings, []);
  });

  it("a lab board held to less memory than its ramMb by its cgroup", () => {
    const card = clean("amd64");
    card.files["sys/fs/cgroup/memory.max"] = String(1024 * 1048576);
    const ram = about(run(card, "lab1", stack("lab")).findings, "ramMb");
    assert.match(ram[0]?.message ?? "", /has 1024 MB of RAM, the inventory counts on 4096 MB/);
  });

  it("quotes board values: a data folder with a quote in its name is read as it is", () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    // The schema refuses such a folder; the script quotes it all the same (defence in depth), so the board is built by hand.
    const dev = stack("dev");
    const inv = { ...dev, boards: dev.boards.map((b, i) => (i === 3 ? { ...b, storage: { dataDir: "/srv/it's$(id)" } } : b)) };
    const card = clean();
    card.files["srv/it's$(id)/"] = "";
    const { facts } = run(card, "pi-w1", inv);
    assert.equal(facts["storage.target"], "/srv/it's$(id)");
    assert.equal(facts["storage.dataDirExists"], "yes");
  });
});

const cli = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
  execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/preflight.ts", ...args], { cwd: root, encoding: "utf8" },
    (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })));

describe("npm run preflight (against fake boards)", function () {
  this.timeout(60_000);
  const key = join(work, "id_ed25519"), servers: { close(): unknown }[] = [];
  const inventoryFor = (port: number) => {
    const raw = rawStack("lab");
    raw.ssh = { user: "pi", port };
    raw.boards[0].interfaces[0].address = "127.0.0.1";
    writeFileSync(join(work, `inventory-${port}.yaml`), stringify(raw));
    return join(work, `inventory-${port}.yaml`);
  };
  before(() => writeFileSync(key, userKey.private, { mode: 0o600 }));
  after(() => servers.forEach((s) => s.close()));

  it("--json on a ready board: a JSON document, no problem, exit 0", async () => {
    const { env } = layOut({ ...clean("amd64"), addresses: "127.0.0.1/8" });
    const { server, port } = await startBoard([], (command, ch) => {
      const sh = spawn("sh", ["-c", command], { env });
      ch.pipe(sh.stdin);
      sh.stdout.pipe(ch, { end: false });
      sh.on("close", (code) => { ch.exit(code ?? 1); ch.end(); });
    });
    servers.push(server);
    const fp = fingerprintOf(hostKey.public.trim());
    const r = await cli([inventoryFor(port), "--json", "--identity", key, "--board", "lab1", "--fingerprint", `lab1=${fp}`]);
    const doc = JSON.parse(r.stdout) as { boards: { board: string; reachable: boolean; findings: Finding[]; facts: Record<string, string> }[];
      problems: number; seconds: number };
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(doc.boards.map((b) => [b.board, b.reachable, b.facts["preflight.done"]]), [["lab1", true, "yes"]]);
    assert.deepEqual([doc.problems, typeof doc.seconds], [0, "number"]);
    // Notes only: the unrecorded host key (with its fingerprint) and the data on the card (no storage.device declared).
    assert.deepEqual(doc.boards[0].findings.map((f) => [f.field, f.severity]), [["ssh", "note"], ["storage.dataDir", "note"]]);
    assert.ok(doc.boards[0].findings[0].message.includes(fp));
  });

  it("a board that accepts TCP but never speaks SSH: one finding naming it, no stack trace, exit 1", async () => {
    const silent: NetServer = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    const r = await cli([inventoryFor(port), "--identity", key, "--board", "lab1", "--accept-new", "--timeout", "1"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const lines = r.stdout.split("\n").filter((l) => /^ {2}(problem|note) /.test(l));
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0], /^ {2}problem ssh: board lab1 \(127\.0\.0\.1:\d+\): .*\[you\]$/);
    assert.match(r.stdout, /preflight: 1 board in [\d.]+ s/);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
  });

  it("an unknown flag is a usage error: exit 2, a message, no stack trace", async () => {
    const r = await cli(["stacks/lab.yaml", "--frobnicate"]);
    assert.deepEqual([r.code, /Unknown option '--frobnicate'/.test(r.stderr), /\n\s+at /.test(r.stderr)], [2, true, false], r.stderr);
  });
});

// First contact: the root script run by bash against stand-ins in a fixture root; the sudo rule against
// every script the model renders; the CLI's logic against an in-process ssh2 board whose sudo wants a password.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ParsedKey, Server, utils } from "ssh2";
import { bootstrapBoards } from "../cli/bootstrapBoards";
import { fingerprintOf } from "../cli/firstContact";
import { memoryStackConfig } from "../cli/stackConfig";
import { bootstrapScript, sudoCommands, sudoCommandsUsed, sudoersPath } from "../model/bootstrap";
import { engineRestartScript } from "../model/boardScripts";
import { boardStep, planCluster } from "../model/clusterPlan";
import { healthTopicScript } from "../model/healthConfig";
import { actionScript, checkScript, memberMarkScript, ringStatusScript } from "../model/rollChecks";
import { Action, Check } from "../model/rollPlan";
import { cassandraAuthScript, cqlScript, httpWaitScript, kafkaWaitReadyScript } from "../model/serviceScripts";
import { stepScripts } from "../model/stepRecipes";
import { nodeLabels } from "../model/swarmPlan";
import { swarmInitScript, swarmTokensScript } from "../model/swarmScripts";
import { root as repo, stack } from "./helpers";

const deployKey = utils.generateKeyPairSync("ed25519");
const keyLine = (pub: string) => pub.trim().split(/\s+/).slice(0, 2).join(" ");

/** A fixture root and stand-ins for the commands the script runs as root; `visudo` fails while `bin/visudo-fails` exists. */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-bootstrap-"));
  const bin = join(dir, "bin"), root = join(dir, "root"), passwd = join(dir, "passwd"), log = join(dir, "calls");
  for (const d of [bin, join(root, "etc", "sudoers.d"), join(root, "home")]) mkdirSync(d, { recursive: true });
  writeFileSync(passwd, "root:x:0:0:root:/root:/bin/bash\n");
  const tools: Record<string, string> = {
    useradd: `u="\${@: -1}"; echo "useradd $*" >> ${log}; mkdir -p "$BOOTSTRAP_ROOT/home/$u"; echo "$u:x:1001:1001::/home/$u:/bin/bash" >> ${passwd}`,
    getent: `[ "$1" = passwd ] && grep "^$2:" ${passwd}`,
    visudo: `echo "visudo $*" >> ${log}; [ ! -e ${bin}/visudo-fails ] && grep -Eq "^[a-z_][a-z0-9_-]* ALL=\\(root\\) NOPASSWD:SETENV: /" "$2"`,
    chown: "exit 0",
    id: "exit 0",
  };
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, BOOTSTRAP_ROOT: root };
  const run = (script: string) => execFileSync("bash", ["-s"], { input: script, env, encoding: "utf8", stdio: "pipe" }).trim().split("\n").pop();
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);
  return { dir, bin, root, passwd, env, run, calls, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` with its content and mtime. */
function snapshot(dir: string, out: Record<string, string> = {}): Record<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) snapshot(p, out);
    else out[p] = `${statSync(p).mtimeMs} ${readFileSync(p, "utf8")}`;
  }
  return out;
}

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe("bootstrap: the root script makes the deploy user once", () => {
  const pub = keyLine(deployKey.public);
  const script = bootstrapScript({ deployUser: "pi", publicKey: `${pub} deploy@desk` });
  let f: ReturnType<typeof fixture>;
  beforeEach(() => { f = fixture(); });
  afterEach(() => f.done());

  it("creates the user, its key and the sudoers rule; a second run changes no file", () => {
    assert.equal(f.run(script), "created=1 key=1 sudoers=1");
    assert.deepEqual(f.calls().filter((c) => c.startsWith("useradd")), ["useradd -m -s /bin/bash -U pi"]);
    const auth = join(f.root, "home/pi/.ssh/authorized_keys");
    assert.equal(readFileSync(auth, "utf8"), `${pub} deploy@desk\n`);
    assert.deepEqual([mode(join(f.root, "home/pi/.ssh")), mode(auth)], ["700", "600"]);
    const sudoers = join(f.root, sudoersPath("pi"));
    assert.equal(mode(sudoers), "440");
    const lines = readFileSync(sudoers, "utf8").trim().split("\n");
    assert.equal(lines[1], "Defaults:pi !requiretty");
    const rule = /^pi ALL=\(root\) NOPASSWD:SETENV: (.*)$/.exec(lines[2]);
    assert.ok(rule, lines.join("\n"));
    const paths = rule[1].split(", ");
    assert.deepEqual(paths.map((p) => p.split("/").pop()), [...sudoCommands]);
    assert.ok(paths.every((p) => p.startsWith("/")), rule[1]);
    const before = snapshot(f.root);
    assert.equal(f.run(script), "created=0 key=0 sudoers=0");
    assert.deepEqual(snapshot(f.root), before);
    assert.equal(f.calls().filter((c) => c.startsWith("useradd")).length, 1);
    assert.deepEqual(readdirSync(join(f.root, "etc/sudoers.d")), ["020_deskcluster-pi"]);
  });

  it("keeps another authorized key of an existing user", () => {
    writeFileSync(f.passwd, "pi:x:1000:1000::/home/pi:/bin/bash\n", { flag: "a" });
    mkdirSync(join(f.root, "home/pi/.ssh"), { recursive: true, mode: 0o700 });
    writeFileSync(join(f.root, "home/pi/.ssh/authorized_keys"), "ssh-rsa AAAAother me@laptop", { mode: 0o600 });
    assert.equal(f.run(script), "created=0 key=1 sudoers=1");
    assert.equal(readFileSync(join(f.root, "home/pi/.ssh/authorized_keys"), "utf8"), `ssh-rsa AAAAother me@laptop\n${pub} deploy@desk\n`);
    assert.equal(f.calls().filter((c) => c.startsWith("useradd")).length, 0);
  });

  it("installs nothing when visudo refuses the rule", () => {
    writeFileSync(join(f.bin, "visudo-fails"), "");
    assert.throws(() => f.run(script), /visudo refused the sudoers rule/);
    assert.deepEqual(readdirSync(join(f.root, "etc/sudoers.d")), []);
    assert.ok(f.calls().some((c) => c.startsWith("visudo -cf")));
  });

  it("refuses a user name or key line that is not one", () => {
    assert.throws(() => bootstrapScript({ deployUser: "pi; rm -rf /", publicKey: pub }), /not a Linux user name/);
    assert.throws(() => bootstrapScript({ deployUser: "pi", publicKey: `${pub}\nssh-ed25519 AAAAevil` }), /not an OpenSSH public key line/);
  });
});

/** Every script the model renders for a stack: the steps' recipes, the swarm, the services, every roll check and action. */
function renderedScripts(name: "lab" | "dev"): string[] {
  const inv = stack(name);
  const plan = planCluster(inv);
  const out: string[] = [];
  for (const bp of plan.boards) {
    const board = boardStep(bp);
    const peers = plan.boards.filter((o) => o !== bp).map((o) => o.address);
    for (const role of ["manager", "worker"] as const) {
      for (const r of [
        { name: "board-base", board, peers }, { name: "board-docker", board }, { name: "board-images", images: bp.images },
        { name: "swarm-member", address: bp.address, leaderAddress: plan.boards[0].address, role, leader: role === "manager" },
        { name: "swarm-node", node: bp.name, role, labels: nodeLabels(bp.board) },
      ] as const) {
        const s = stepScripts(r);
        out.push(s.create, s.delete ?? "", s.probe ?? "");
      }
    }
    out.push(engineRestartScript(board).join("\n"), swarmInitScript(bp.address, bp.name, {}), memberMarkScript(`/srv/${bp.name}/member`));
    const svc = `${bp.name}-svc`, bootstrap = `${bp.address}:9092`, at = { board: bp.name, service: svc, address: bp.address };
    const through = { board: bp.name, service: svc, bootstrap };
    const checks: { [K in Check["kind"]]: Extract<Check, { kind: K }> } = {
      "task-replaced": { kind: "task-replaced", service: svc }, "cassandra-up-normal": { kind: "cassandra-up-normal", ...at },
      "cassandra-serves-cql": { kind: "cassandra-serves-cql", ...at }, "kafka-fully-replicated": { kind: "kafka-fully-replicated", ...through },
      "kafka-quorum-caught-up": { kind: "kafka-quorum-caught-up", ...through },
      "kafka-brokers-registered": { kind: "kafka-brokers-registered", ...through, count: 3 }, "cassandra-left": { kind: "cassandra-left", ...at },
      "kafka-broker-empty": { kind: "kafka-broker-empty", ...through, nodeId: 1 }, "kafka-reassignment-done": { kind: "kafka-reassignment-done", ...through },
    };
    const actions: { [K in Action["kind"]]: Extract<Action, { kind: K }> } = {
      "cassandra-drain": { kind: "cassandra-drain", ...at }, "cassandra-decommission": { kind: "cassandra-decommission", ...at },
      "cassandra-removenode": { kind: "cassandra-removenode", ...at },
      "kafka-reassign": { kind: "kafka-reassign", ...through, topics: "all", brokers: [1, 2], off: 3 },
      "kafka-unregister": { kind: "kafka-unregister", ...through, nodeId: 3 },
    };
    out.push(...Object.values(checks).map((c) => checkScript(c) ?? ""), ...Object.values(actions).map(actionScript), ringStatusScript(svc));
    out.push(cassandraAuthScript(svc, bp.address, inv.cluster.datacenter, 3), kafkaWaitReadyScript(svc, bootstrap, 3),
      cqlScript(svc, bp.address, ["SELECT 1"]), httpWaitScript(`http://${bp.address}:8080/`, "x"), healthTopicScript(inv, svc));
  }
  out.push(swarmTokensScript);
  return out;
}

describe("bootstrap: the sudoers rule covers what deskcluster runs as root", () => {
  it("finds the command after sudo's options and env assignments, and only sudo's", () => {
    assert.deepEqual(sudoCommandsUsed(`x=$(sudo -n docker ps) && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y a; sudo foo
      visudo -cf f; cat /etc/sudoers.d/x; sudo -S -p '' bash -s`), ["apt-get", "bash", "docker", "foo"]);
  });

  for (const name of ["lab", "dev"] as const) {
    it(`every script rendered for stacks/${name}.yaml uses sudo only for a command of the rule`, () => {
      const scripts = renderedScripts(name);
      const used = new Set(scripts.flatMap(sudoCommandsUsed));
      for (const c of ["docker", "systemctl", "apt-get", "tee", "usermod", ...(name === "dev" ? ["nmcli"] : [])]) assert.ok(used.has(c), `${c} not rendered`);
      assert.deepEqual([...used].filter((c) => !sudoCommands.includes(c)), [], [...used].join(" "));
    });
  }

  it("the providers' own commands use sudo only for a command of the rule", () => {
    const dir = join(repo, "providers");
    const code = readdirSync(dir).filter((f) => f.endsWith(".ts")).flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
      .filter((l) => !/^\s*(\/\/|\/?\*)/.test(l)).map((l) => l.replace(/ \/\/ .*$/, ""));
    const used = sudoCommandsUsed(code.join("\n"));
    assert.ok(used.includes("docker"), used.join(" "));
    assert.deepEqual(used.filter((c) => !sudoCommands.includes(c)), []);
  });
});

const cardKey = utils.generateKeyPairSync("ed25519");
const adminKey = utils.generateKeyPairSync("ed25519");
const password = "hunter2-not-in-argv";
const parsed = (line: string) => utils.parseKey(line) as ParsedKey;

/**
 * A card as flashed: user admin (key and password; its sudo reads a password line from stdin, then runs the rest),
 * and any user the bootstrap made, with the keys its authorized_keys holds and the commands its sudoers rule names.
 */
async function startCard(f: ReturnType<typeof fixture>) {
  writeFileSync(join(f.bin, "sudo"), [
    "#!/bin/bash",
    "list=0; while [ $# -gt 0 ]; do case $1 in -n|-k|-S) ;; -l) list=1 ;; -p) shift ;; *) break ;; esac; shift; done",
    `if [ "$FAKE_USER" = admin ]; then`,
    `  case " $SUDO_ARGS " in *" -S "*) IFS= read -r pw; [ "$pw" = "$FAKE_PASSWORD" ] || { echo "Sorry, try again." >&2; exit 1; } ;;`,
    `    *) echo "sudo: a password is required" >&2; exit 1 ;; esac`,
    `  exec "$@"`,
    "fi",
    `rule="$BOOTSTRAP_ROOT/etc/sudoers.d/020_deskcluster-$FAKE_USER"`,
    // sudo -n -l: the rule's line as sudo lists it; a command: only one the rule names.
    `if [ $list = 1 ] && [ $# = 0 ]; then [ -f "$rule" ] && sed -n 's/^[^ ]* ALL=(root) /    (root) /p' "$rule" && exit 0; exit 1; fi`,
    `[ -f "$rule" ] && grep -Eq "[ ,]$1(,|$)" "$rule" || { echo "sudo: a password is required" >&2; exit 1; }`,
    `[ $list = 1 ] && { echo "$1"; exit 0; }`,
    `exec "$@"`,
  ].join("\n"));
  chmodSync(join(f.bin, "sudo"), 0o755);
  const ran: { user: string; command: string }[] = [];
  const keysOf = (user: string): ParsedKey[] => {
    if (user === "admin") return [parsed(adminKey.public)];
    const file = join(f.root, "home", user, ".ssh", "authorized_keys");
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map(parsed) : [];
  };
  const server = new Server({ hostKeys: [cardKey.private] }, (client) => {
    let user = "";
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      user = ctx.username;
      if (ctx.method === "password" && user === "admin" && ctx.password === password) return ctx.accept();
      if (ctx.method === "publickey") {
        const key = keysOf(user).find((k) => k.getPublicSSH().equals(ctx.key.data));
        if (key && (!ctx.signature || key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo))) return ctx.accept();
      }
      ctx.reject(["publickey", "password"]);
    });
    client.on("session", (accept) => accept().on("exec", (acc, _rej, info) => {
      ran.push({ user, command: info.command });
      const ch = acc();
      const sudoArgs = info.command.startsWith("sudo ") ? info.command.slice(5) : "";
      const env = { ...f.env, FAKE_USER: user, FAKE_PASSWORD: password, SUDO_ARGS: sudoArgs };
      const sh = spawn("sh", ["-c", info.command], { env });
      ch.pipe(sh.stdin);
      sh.stdout.pipe(ch, { end: false });
      sh.stderr.pipe(ch.stderr, { end: false });
      sh.on("close", (code) => { ch.exit(code ?? 1); ch.end(); });
    }));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
  return { port, ran, close: () => server.close() };
}

describe("bootstrap: first contact with a card whose sudo wants a password", function () {
  this.timeout(30_000);
  const inv = stack("lab", (raw) => { raw.boards[0].firstUser = "admin"; });
  const board = inv.boards[0].name;
  const presented = keyLine(cardKey.public);
  let f: ReturnType<typeof fixture>;
  let card: Awaited<ReturnType<typeof startCard>>;
  beforeEach(async () => { f = fixture(); card = await startCard(f); });
  afterEach(() => { card.close(); f.done(); });

  type RunOpts = { fingerprint?: boolean; password?: string; confirm?: (b: { name: string }, fp: string) => Promise<boolean> };
  const run = async (config: ReturnType<typeof memoryStackConfig>, opts: RunOpts = {}) => {
    const out: string[] = [], err: string[] = [];
    let asked = 0;
    const result = await bootstrapBoards(inv, {
      boards: [board], identity: adminKey.private, timeoutMs: 5000, reach: () => ({ host: "127.0.0.1", port: card.port }),
      password: async () => { asked++; return opts.password; }, fingerprints: opts.fingerprint ? { [board]: fingerprintOf(presented) } : {},
      confirm: opts.confirm,
    }, config, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { result, out, err, asked };
  };

  it("records the confirmed host key and makes the deploy user; a second run changes nothing", async () => {
    const config = memoryStackConfig({ "deskcluster:sshPrivateKey": deployKey.private });
    const first = await run(config, { fingerprint: true, password });
    assert.deepEqual(first.err, []);
    assert.deepEqual(first.out, [`board ${board} (127.0.0.1): host key ${fingerprintOf(presented)} confirmed; deploy user pi created`,
      "bootstrap: 1 boards, 1 changed"]);
    assert.deepEqual(JSON.parse(config.values["deskcluster:hostKeys"]), { [board]: presented });
    assert.ok(card.ran.some((r) => r.user === "admin" && r.command === "sudo -k -S -p '' bash -s"), JSON.stringify(card.ran));
    assert.ok(card.ran.some((r) => r.user === "pi"), "the deploy user was never verified");
    assert.ok(card.ran.every((r) => !r.command.includes(password)));
    const sudoers = snapshot(join(f.root, "etc"));
    card.ran.length = 0;
    const second = await run(config, { password });
    assert.deepEqual(second.out, [`board ${board} (127.0.0.1): host key ${fingerprintOf(presented)} unchanged; deploy user pi unchanged`,
      "bootstrap: 1 boards, nothing changed"]);
    assert.equal(second.asked, 0);
    assert.deepEqual(card.ran.filter((r) => r.user !== "pi"), []);
    assert.deepEqual(snapshot(join(f.root, "etc")), sudoers);
  });

  it("refuses a card whose host key is not the recorded one, naming the board, and runs nothing on it", async () => {
    const other = keyLine(utils.generateKeyPairSync("ed25519").public);
    const config = memoryStackConfig({ "deskcluster:sshPrivateKey": deployKey.private, "deskcluster:hostKeys": JSON.stringify({ [board]: other }) });
    const { result, out, err, asked } = await run(config, { password });
    assert.deepEqual(result.failed, [board]);
    assert.equal(err.length, 1);
    assert.match(err[0], new RegExp(`^board ${board}: host key differs from the one recorded.*--reflashed ${board}$`));
    assert.match(out.at(-1)!, /1 failed \(lab1\)/);
    assert.deepEqual(card.ran, []);
    assert.equal(asked, 0);
    assert.deepEqual(JSON.parse(config.values["deskcluster:hostKeys"]), { [board]: other });
  });

  it("shows a key not recorded yet to the user at a terminal: confirmed, it is recorded; declined, nothing runs", async () => {
    const shown: string[] = [];
    const declined = memoryStackConfig({ "deskcluster:sshPrivateKey": deployKey.private });
    const no = await run(declined, { password, confirm: async (b, fp) => { shown.push(`${b.name} ${fp}`); return false; } });
    assert.deepEqual(shown, [`${board} ${fingerprintOf(presented)}`]);
    assert.deepEqual(no.result.failed, [board]);
    assert.match(no.err[0], /is not recorded yet/);
    assert.deepEqual(card.ran, []);
    assert.equal(declined.values["deskcluster:hostKeys"], undefined);
    const confirmed = memoryStackConfig({ "deskcluster:sshPrivateKey": deployKey.private });
    const yes = await run(confirmed, { password, confirm: async () => true });
    assert.deepEqual(yes.result.failed, []);
    assert.match(yes.out[0], /confirmed; deploy user pi created$/);
    assert.deepEqual(JSON.parse(confirmed.values["deskcluster:hostKeys"]), { [board]: presented });
  });

  it("fails the board with one clear line when its sudo wants a password nobody gave", async () => {
    const config = memoryStackConfig({ "deskcluster:sshPrivateKey": deployKey.private });
    const { result, err } = await run(config, { fingerprint: true });
    assert.deepEqual(result.failed, [board]);
    assert.deepEqual(err, [`board ${board}: sudo as admin wants a password; give --password-file, set secret deskcluster:firstUserPassword, `
      + "or run it from a terminal"]);
    assert.equal(existsSync(join(f.root, "home", "pi")), false);
  });
});

// The SSH path every board operation takes, against an in-process ssh2 server on loopback:
// the pinned host key is required, a wrong one is refused, stdin reaches the command, a
// failing command reports its board and stderr, and an absent board times out by name.
import assert from "node:assert/strict";
import { AddressInfo } from "node:net";
import { Server, utils } from "ssh2";
import { remoteCommandProvider } from "../providers/remoteCommand";
import { closeSharedSessions, openSession, runOn, runShared } from "../providers/sshSession";
import { SshTarget, sshTargetFailures } from "../providers/sshTarget";

const hostKey = utils.generateKeyPairSync("ed25519");
const otherHostKey = utils.generateKeyPairSync("ed25519");
const userKey = utils.generateKeyPairSync("ed25519");
const pub = (k: { public: string }) => k.public.trim().split(" ").slice(0, 2).join(" ");

let connections = 0;

function startServer(): Promise<{ server: Server; port: number }> {
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections++;
    client.on("error", () => undefined); // a refused client disconnects mid-handshake
    client.on("authentication", (ctx) => (ctx.method === "publickey" && ctx.username === "pi" ? ctx.accept() : ctx.reject(["publickey"])));
    client.on("session", (accept) => accept().on("exec", (acc, _rej, info) => {
      const ch = acc();
      let input = "";
      ch.on("data", (d: Buffer) => (input += d.toString()));
      ch.on("end", () => {
        if (info.command === "fail") { ch.stderr.write("disk full\n"); ch.exit(3); } else { ch.write(`ran ${info.command} with ${input.trim()}`); ch.exit(0); }
        ch.end();
      });
    }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe("SSH to a board (ssh2, pinned host key)", () => {
  let server: Server;
  let target: SshTarget;
  before(async () => {
    const s = await startServer();
    server = s.server;
    target = { board: "lab9", host: "127.0.0.1", port: s.port, user: "pi", privateKey: userKey.private, hostKey: pub(hostKey) };
  });
  after(() => server.close());

  it("runs a command with its secret on stdin, not on the command line", async () => {
    assert.equal((await runOn(target, "join", "SWMTKN-x\n")).stdout, "ran join with SWMTKN-x");
  });

  it("refuses a server whose host key is not the pinned one", async () => {
    await assert.rejects(
      runOn({ ...target, hostKey: pub(otherHostKey) }, "true"),
      /board lab9 \(127\.0\.0\.1\): host key differs from the pinned ssh-ed25519 key in config deskcluster:hostKeys\["lab9"\]/,
    );
  });

  it("takes the key from the provider's configuration when the target has none (state holds no key)", async () => {
    const { privateKey, ...keyless } = target;
    const before = process.env.PULUMI_CONFIG;
    try {
      process.env.PULUMI_CONFIG = JSON.stringify({ inventory: "stacks/lab.yaml" });
      await assert.rejects(runOn(keyless, "true"), /board lab9: no SSH private key: set it with pulumi config set --secret sshPrivateKey/);
      process.env.PULUMI_CONFIG = JSON.stringify({ sshPrivateKey: privateKey });
      assert.equal((await runOn(keyless, "join", "t\n")).stdout, "ran join with t");
    } finally {
      if (before === undefined) delete process.env.PULUMI_CONFIG; else process.env.PULUMI_CONFIG = before;
    }
  });

  it("shares one connection per board for a run: many commands, one dial; a refused board fails every step at once", async () => {
    const before = connections;
    const shared = { ...target, port: target.port };
    const outs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => runShared(shared, `step${i}`)));
    assert.equal(outs.length, 8);
    assert.equal(connections - before, 1, "eight commands over one connection");
    const wrongKey = { ...target, hostKey: pub(otherHostKey) };
    const started = Date.now();
    const fails = await Promise.allSettled([1, 2, 3].map(() => runShared(wrongKey, "true")));
    assert.ok(fails.every((f) => f.status === "rejected" && /board lab9 .*host key differs/.test(String(f.reason))));
    assert.ok(Date.now() - started < 5000, "no retry of a board that presents another host key");
    await closeSharedSessions();
  });

  it("reports a failing command with its board, exit code and stderr", async () => {
    await assert.rejects(runOn(target, "fail"), /board lab9: command exited 3\ndisk full/);
  });

  it("gives up on an unreachable board by name after its deadline", async () => {
    const closed = { ...target, port: 1 };
    await assert.rejects(openSession(closed, 1500), /board lab9 \(127\.0\.0\.1:1\): unreachable over SSH for 2s/);
  });

  it("checks connection fields before dialling, naming board and field", () => {
    assert.deepEqual(sshTargetFailures({ ...target, hostKey: "AAAA" }).map((f) => f.reason), [
      "board lab9, field connection.hostKey: not `<type> <base64>`; host keys are pinned, never skipped",
    ]);
    assert.deepEqual(sshTargetFailures({ ...target, privateKey: "hunter2" }).map((f) => f.property), ["connection.privateKey"]);
  });

  it("converges in place: a changed script, trigger or board re-runs the step, never replaces it", async () => {
    const base = { connection: target, create: "a" };
    const same = await remoteCommandProvider.diff!("id", base, base);
    assert.equal(same.changes, false);
    for (const news of [
      { ...base, create: "b" }, { ...base, triggers: [2] }, { ...base, connection: { ...target, host: "127.0.0.2" } }, { ...base, delete: "leave" },
    ]) {
      const d = await remoteCommandProvider.diff!("id", base, news);
      assert.deepEqual([d.changes, d.replaces], [true, []], JSON.stringify(news));
    }
  });
});

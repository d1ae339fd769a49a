// SSH to a board with ssh2: the server must present exactly the pinned host key (no trust
// on first use), and a board that is still booting is retried with a pause until a deadline.
// Providers share one connection per board for the whole run (sharedSession): every command
// and every Docker API request to that board reuses it, and an unreachable board fails once,
// fast, for every resource that needs it.
import type { Client, ClientChannel } from "ssh2";
import { configuredPrivateKey } from "./providerConfig";
import type { SshTarget } from "./sshTarget";

export interface RunResult { stdout: string; stderr: string }

export async function openSession(t: SshTarget, deadlineMs = 300_000): Promise<Client> {
  // Required lazily: dynamic providers are serialized and must not capture module objects.
  const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
  const [keyType, keyBlob] = t.hostKey.trim().split(/\s+/);
  const pinned = Buffer.from(keyBlob, "base64");
  const privateKey = t.privateKey ?? configuredPrivateKey();
  if (!privateKey) throw new Error(`board ${t.board}: no SSH private key: set it with pulumi config set --secret sshPrivateKey < key`);
  const started = Date.now();
  let pause = 1000;
  for (;;) {
    let mismatch = false;
    try {
      return await new Promise<Client>((resolve, reject) => {
        const c = new SshClient();
        // No Nagle: each Docker API request is a few small packets, and delayed ACKs held each for ~50 ms.
        c.once("ready", () => { c.setNoDelay(true); resolve(c); }).once("error", reject).connect({
          host: t.host, port: t.port, username: t.user, privateKey,
          readyTimeout: 15_000, keepaliveInterval: 10_000,
          algorithms: { serverHostKey: [keyType as never] },
          hostVerifier: (key: Buffer) => (mismatch = !pinned.equals(key)) === false,
        });
      });
    } catch (err) {
      const why = (err as Error).message;
      if (mismatch) {
        throw new Error(`board ${t.board} (${t.host}): host key differs from the pinned ${keyType} key in config deskcluster:hostKeys["${t.board}"]; `
          + `refusing to connect. If the board was reflashed, verify its new key, set it there and run pulumi up `
          + `(not --refresh: a refresh reads the board with the key the last run pinned).`);
      }
      if (/authentication/i.test(why)) throw new Error(`board ${t.board} (${t.host}): user ${t.user} was refused (${why}); check config sshPrivateKey`);
      if (Date.now() - started > deadlineMs) {
        throw new Error(`board ${t.board} (${t.host}:${t.port}): unreachable over SSH for ${Math.round(deadlineMs / 1000)}s: ${why}`);
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  }
}

/** Runs a command as the remote shell would; stdin carries secrets, never the command line. */
export function run(c: Client, board: string, command: string, stdin?: string): Promise<RunResult> {
  return new Promise<ClientChannel>((resolve, reject) => c.exec(command, (err: Error | undefined, ch: ClientChannel) => (
    err ? reject(new Error(`board ${board}: cannot start command: ${err.message}`)) : resolve(ch)))).then((ch) => collect(ch, board, stdin));
}

/** The output of a command's channel; a non-zero exit is an error naming the board, with stderr's tail. */
function collect(ch: ClientChannel, board: string, stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    ch.on("data", (d: Buffer) => (stdout += d.toString()));
    ch.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    ch.on("close", (code: number | null) => {
      if (code === 0) return resolve({ stdout, stderr });
      reject(new Error(`board ${board}: command exited ${code}\n${stderr.trim().split("\n").slice(-15).join("\n")}`));
    });
    ch.end(stdin ?? "");
  });
}

/** One connection for one command: for tools and tests, which must not keep a process alive. */
export async function runOn(t: SshTarget, command: string, stdin?: string): Promise<RunResult> {
  const c = await openSession(t);
  try {
    return await run(c, t.board, command, stdin);
  } finally {
    c.end();
  }
}

interface Shared { client: Promise<Client>; busy: number; waiting: (() => void)[] }

/** How long a run keeps dialling a board that does not answer (one that is still booting) before it names it unreachable. */
const runDeadlineMs = 60_000;
interface Pool { sessions: Map<string, Shared> }

/** sshd allows 10 sessions per connection (MaxSessions) and frees them late: stay well below. */
const maxChannels = 6;

// On globalThis: every dynamic resource carries its own deserialized copy of this module,
// and they must all share one pool inside the provider process.
function pool(): Pool {
  const g = globalThis as unknown as { __deskclusterSsh?: Pool };
  if (!g.__deskclusterSsh) g.__deskclusterSsh = { sessions: new Map() }; // no `??=`: the closure serializer cannot parse it
  return g.__deskclusterSsh;
}

function poolKey(t: SshTarget): string {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return createHash("sha256").update(JSON.stringify([t.user, t.host, t.port, t.hostKey, t.privateKey])).digest("hex");
}

/** Opens (or reuses) the run's one connection to a board; DESKCLUSTER_SSH_TRACE counts them. */
export function sharedSession(t: SshTarget): Promise<Client> {
  const p = pool();
  const key = poolKey(t);
  const found = p.sessions.get(key);
  if (found) return found.client;
  const client = openSession(t, runDeadlineMs).then((c) => {
    c.on("close", () => p.sessions.get(key)?.client === client && p.sessions.delete(key));
    const trace = process.env.DESKCLUSTER_SSH_TRACE;
    if (trace) (require("node:fs") as typeof import("node:fs")).appendFileSync(trace, `${Date.now()} ${t.board} ${t.host}\n`);
    return c;
  });
  // A failed dial stays in the pool: every later resource of this run fails at once with it.
  p.sessions.set(key, { client, busy: 0, waiting: [] });
  return client;
}

/**
 * Opens a channel on the board's shared connection, holding one of its slots until `release`.
 * sshd frees a closed session a moment after the client sees it close, so a refused channel
 * ("open failed": MaxSessions) is retried for a while instead of failing the step.
 */
export async function openChannel(t: SshTarget, command: string): Promise<{ stream: ClientChannel; release: () => void }> {
  const client = await sharedSession(t);
  const s = pool().sessions.get(poolKey(t))!;
  for (let attempt = 0; ; attempt++) {
    while (s.busy >= maxChannels) await new Promise<void>((r) => s.waiting.push(r));
    s.busy++;
    let released = false;
    const release = () => { if (released) return; released = true; s.busy--; s.waiting.shift()?.(); };
    try {
      const stream = await new Promise<ClientChannel>((resolve, reject) => client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch))));
      return { stream, release };
    } catch (err) {
      release();
      if (!/open failed/i.test(String((err as Error).message)) || attempt >= 40) {
        throw new Error(`board ${t.board}: cannot start command: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs a command over the board's shared connection. */
export async function runShared(t: SshTarget, command: string, stdin?: string): Promise<RunResult> {
  const { stream, release } = await openChannel(t, command);
  try {
    return await collect(stream, t.board, stdin);
  } finally {
    release();
  }
}

/** Ends every shared connection (for tools and tests; the engine simply stops the provider). */
export async function closeSharedSessions(): Promise<void> {
  const p = pool();
  const all = [...p.sessions.values()];
  p.sessions.clear();
  await Promise.all(all.map((s) => s.client.then((c) => c.end(), () => undefined)));
}

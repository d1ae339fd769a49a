// One SSH session to a board with ssh2: the server must present exactly the pinned host key
// (no trust on first use), and a board that is still booting is retried with a pause until
// a deadline, unlike a burst of immediate redials.
import type { Client, ClientChannel } from "ssh2";
import type { SshTarget } from "./sshTarget";

export interface RunResult { stdout: string; stderr: string }

export async function openSession(t: SshTarget, deadlineMs = 300_000): Promise<Client> {
  // Required lazily: dynamic providers are serialized and must not capture module objects.
  const { Client: SshClient } = require("ssh2") as typeof import("ssh2");
  const [keyType, keyBlob] = t.hostKey.trim().split(/\s+/);
  const pinned = Buffer.from(keyBlob, "base64");
  const started = Date.now();
  let pause = 1000;
  for (;;) {
    let mismatch = false;
    try {
      return await new Promise<Client>((resolve, reject) => {
        const c = new SshClient();
        c.once("ready", () => resolve(c)).once("error", reject).connect({
          host: t.host, port: t.port, username: t.user, privateKey: t.privateKey,
          readyTimeout: 15_000, keepaliveInterval: 10_000,
          algorithms: { serverHostKey: [keyType as never] },
          hostVerifier: (key: Buffer) => (mismatch = !pinned.equals(key)) === false,
        });
      });
    } catch (err) {
      const why = (err as Error).message;
      if (mismatch) throw new Error(`board ${t.board} (${t.host}): host key does not match the pinned ${keyType} key in config hostKeys; refusing to connect`);
      if (/authentication/i.test(why)) throw new Error(`board ${t.board} (${t.host}): user ${t.user} was refused (${why}); check config sshPrivateKey`);
      if (Date.now() - started > deadlineMs) throw new Error(`board ${t.board} (${t.host}:${t.port}): unreachable over SSH for ${Math.round(deadlineMs / 1000)}s: ${why}`);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  }
}

/** Runs a command as the remote shell would; stdin carries secrets, never the command line. */
export function run(c: Client, board: string, command: string, stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err: Error | undefined, ch: ClientChannel) => {
      if (err) return reject(new Error(`board ${board}: cannot start command: ${err.message}`));
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
  });
}

export async function runOn(t: SshTarget, command: string, stdin?: string): Promise<RunResult> {
  const c = await openSession(t);
  try {
    return await run(c, t.board, command, stdin);
  } finally {
    c.end();
  }
}

// SSH to a board before deskcluster has pinned anything: the card's own host key is read from the
// handshake and judged by the caller (recorded key, a fingerprint confirmed out of band, or an
// explicit trust-on-first-use), and nothing secret (a password) is sent before it is accepted.
// Used by `bootstrap` and `preflight`; `pulumi up` uses providers/sshSession.ts, which only
// ever accepts the pinned key.
import { createHash } from "node:crypto";
import { Client, ClientChannel, utils } from "ssh2";

export interface ContactTarget {
  readonly board: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly privateKey?: string;
  /** Only sent once the host key is accepted. */
  readonly password?: string;
}

/** How the presented host key is judged: the answer and, when refused, why (a sentence naming the board). */
export type HostKeyJudge = (key: PresentedKey) => { accept: true } | { accept: false; why: string };

export interface PresentedKey { readonly line: string; readonly fingerprint: string }

export interface ExecResult { code: number; stdout: string; stderr: string }

export interface BoardContact {
  readonly hostKey: PresentedKey;
  exec(command: string, stdin?: string): Promise<ExecResult>;
  close(): void;
}

/** `SHA256:...` as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyLine: string): string {
  const blob = Buffer.from(keyLine.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

function keyLineOf(raw: Buffer): string {
  const parsed = utils.parseKey(raw);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) return `unknown ${raw.toString("base64")}`;
  return `${key.type} ${raw.toString("base64")}`;
}

/** A refused key, an unreachable board or refused credentials: one line naming the board, no stack trace. */
export class ContactError extends Error {}

export function contact(t: ContactTarget, judge: HostKeyJudge, timeoutMs = 15_000): Promise<BoardContact> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    let presented: PresentedKey | undefined;
    let refusal: string | undefined;
    c.on("error", (err) => {
      if (refusal) return reject(new ContactError(refusal));
      const why = /authentication/i.test(err.message) ? `user ${t.user} was refused (${err.message})` : err.message;
      reject(new ContactError(`board ${t.board} (${t.host}:${t.port}): ${why}`));
    });
    c.once("ready", () => resolve({
      hostKey: presented!,
      exec: (command, stdin) => exec(c, command, stdin),
      close: () => c.end(),
    }));
    c.connect({
      host: t.host, port: t.port, username: t.user, readyTimeout: timeoutMs,
      // Every card makes an ed25519 key at first boot; recorded keys and fingerprints are of that one.
      algorithms: { serverHostKey: ["ssh-ed25519"] },
      ...(t.privateKey ? { privateKey: t.privateKey } : {}),
      // Authentication follows the key exchange: a password is never sent to a host key the judge refused.
      ...(t.password !== undefined ? { password: t.password } : {}),
      hostVerifier: (raw: Buffer) => {
        const line = keyLineOf(raw);
        presented = { line, fingerprint: fingerprintOf(line) };
        const verdict = judge(presented);
        if (!verdict.accept) refusal = verdict.why;
        return verdict.accept;
      },
    });
  });
}

function exec(c: Client, command: string, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => c.exec(command, (err: Error | undefined, ch: ClientChannel) => {
    if (err) return reject(new ContactError(`cannot start a command: ${err.message}`));
    let stdout = "", stderr = "";
    ch.on("data", (d: Buffer) => (stdout += d.toString()));
    ch.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    ch.on("close", (code: number | null) => resolve({ code: code ?? 255, stdout, stderr }));
    ch.end(stdin);
  }));
}

/** The usual judge: the recorded key must match; an unrecorded one needs a confirmed fingerprint or an explicit flag. */
export function judgeHostKey(board: string, opts: { recorded?: string; confirmed?: string; acceptNew?: boolean; reflashed?: boolean }): HostKeyJudge {
  return (key) => {
    const recorded = opts.recorded?.trim();
    if (recorded && !opts.reflashed) {
      if (recorded.split(/\s+/).slice(0, 2).join(" ") === key.line) return { accept: true };
      return { accept: false, why: `board ${board}: host key differs from the one recorded in config deskcluster:hostKeys["${board}"] `
        + `(recorded ${fingerprintOf(recorded)}, presented ${key.fingerprint}); refusing to connect. If the card was reflashed, `
        + `check the new fingerprint on the board's console and run bootstrap again with --reflashed ${board}` };
    }
    if (opts.confirmed) {
      if (opts.confirmed === key.fingerprint) return { accept: true };
      return { accept: false, why: `board ${board}: host key ${key.fingerprint} is not the confirmed ${opts.confirmed}; refusing to connect` };
    }
    if (opts.acceptNew) return { accept: true };
    return { accept: false, why: `board ${board}: host key ${key.fingerprint} is not recorded yet; confirm it with `
      + `--fingerprint ${board}=${key.fingerprint} (compare with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on its console) or --accept-new` };
  };
}

/** The host key a board presents, read in the handshake and refused there: nothing is authenticated, nothing sent. */
export async function presentedKey(t: Omit<ContactTarget, "privateKey" | "password">, timeoutMs = 15_000): Promise<PresentedKey> {
  let seen: PresentedKey | undefined;
  try {
    (await contact(t, (key) => { seen = key; return { accept: false, why: `board ${t.board}: key read` }; }, timeoutMs)).close();
  } catch (e) {
    if (!seen) throw e;
  }
  if (!seen) throw new ContactError(`board ${t.board} (${t.host}:${t.port}): presented no host key`);
  return seen;
}

// `npm run bootstrap -- stacks/<stack>.yaml`: first contact, before the first `pulumi up`. Logs in as each
// card's first user, makes the deploy user (model/bootstrap.ts) and records the host key it was shown, so
// `pulumi up` only ever connects to pinned keys with a key of its own. A second run changes nothing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { utils } from "ssh2";
import { bootstrapScript, parseBootstrapOutcome, sudoCheckScript } from "../model/bootstrap";
import { Board, Inventory, sshUserOf } from "../model/inventory";
import { hostAddress } from "../model/network";
import { operatingSystems, osOf } from "../model/operatingSystems";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { BoardContact, contact, ContactError, ContactTarget, fingerprintOf, HostKeyJudge, judgeHostKey } from "./firstContact";
import { memoryStackConfig, pulumiStackConfig, StackConfig } from "./stackConfig";

export interface BootstrapOptions {
  readonly boards?: readonly string[];
  /** The first user's private key (PEM). */
  readonly identity?: string;
  /** The first user's password, asked for only when a board needs it (once for all boards). */
  readonly password?: () => Promise<string | undefined>;
  /** The deploy private key (PEM); default: config deskcluster:sshPrivateKey, else one generated and saved there. */
  readonly deployKey?: string;
  readonly fingerprints?: Readonly<Record<string, string>>;
  readonly acceptNew?: boolean;
  readonly reflashed?: readonly string[];
  /** false: write nothing to the config (--no-save). */
  readonly save?: boolean;
  readonly timeoutMs?: number;
  /** Where a board is reached; default its inventory address and ssh.port (tests point it at a local server). */
  readonly reach?: (board: Board) => { host: string; port: number };
}

export interface BootstrapIo { out(line: string): void; err(line: string): void }

export interface BootstrapResult { readonly failed: string[]; readonly changed: number; readonly hostKeys: Record<string, string> }

const hostKeysKey = "deskcluster:hostKeys";
const deployKeyKey = "deskcluster:sshPrivateKey";

export function publicKeyOf(pem: string): string {
  const parsed = utils.parseKey(pem);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) throw new Error(`deploy key: ${key.message}`);
  return `${key.type} ${key.getPublicSSH().toString("base64")}`;
}

function deployKeyOf(opts: BootstrapOptions, config: StackConfig, io: BootstrapIo): string {
  const known = opts.deployKey ?? config.get(deployKeyKey);
  if (known) return known;
  if (opts.save === false) throw new Error(`no deploy key: give --deploy-key, or run without --no-save to generate one into ${deployKeyKey}`);
  const pair = utils.generateKeyPairSync("ed25519");
  config.set(deployKeyKey, pair.private, { secret: true });
  io.out(`bootstrap: generated a deploy key (ed25519), saved as secret ${deployKeyKey} of ${config.describe}`);
  return pair.private;
}

const isRefusedLogin = (e: unknown) => e instanceof ContactError && / was refused \(/.test(e.message);

interface BoardDone { line: string; hostKey: string; changed: boolean }

async function bootstrapBoard(board: Board, inv: Inventory, opts: BootstrapOptions, recorded: string | undefined,
  deploy: { pem: string; publicKey: string }, accepted: (line: string) => void): Promise<BoardDone> {
  const { host, port } = opts.reach?.(board) ?? { host: hostAddress(board), port: inv.ssh.port };
  const judge = judgeHostKey(board.name, {
    recorded, confirmed: opts.fingerprints?.[board.name], acceptNew: opts.acceptNew, reflashed: opts.reflashed?.includes(board.name),
  });
  let seen: string | undefined;
  // The first key accepted is the only one accepted for the rest of the run.
  const pinned: HostKeyJudge = (key) => {
    if (seen) return key.line === seen ? { accept: true } : { accept: false, why: `board ${board.name}: host key changed during bootstrap` };
    const verdict = judge(key);
    if (verdict.accept) accepted((seen = key.line));
    return verdict;
  };
  const to = (user: string, auth: Pick<ContactTarget, "privateKey" | "password">) =>
    contact({ board: board.name, host, port, user, ...auth }, pinned, opts.timeoutMs);
  const deployUser = sshUserOf(inv, board);
  const firstUser = board.firstUser ?? deployUser;
  const deployReady = async (): Promise<boolean> => {
    let c: BoardContact;
    try { c = await to(deployUser, { privateKey: deploy.pem }); } catch (e) { if (isRefusedLogin(e)) return false; throw e; }
    try { return (await c.exec(sudoCheckScript())).code === 0; } finally { c.close(); }
  };
  const hostKeyWord = () => (recorded && seen === recorded.split(/\s+/).slice(0, 2).join(" ") ? "unchanged"
    : opts.fingerprints?.[board.name] ? "confirmed" : "recorded");
  const report = (user: string) => `board ${board.name} (${host}): host key ${fingerprintOf(seen!)} ${hostKeyWord()}; deploy user ${deployUser} ${user}`;

  if (await deployReady()) return { line: report("unchanged"), hostKey: seen!, changed: hostKeyWord() !== "unchanged" };

  const outcome = await asFirstUser(board, firstUser, opts, (auth) => to(firstUser, auth), bootstrapScript({ deployUser, publicKey: deploy.publicKey }));
  if (!(await deployReady())) {
    throw new ContactError(`board ${board.name}: the deploy user ${deployUser} still cannot log in with the deploy key and run sudo -n without a password`);
  }
  const user = outcome.created ? "created" : outcome.key || outcome.sudoers ? "updated" : "unchanged";
  return { line: report(user), hostKey: seen!, changed: user !== "unchanged" || hostKeyWord() !== "unchanged" };
}

/** Logs in as the first user (its key; its password only when the key is refused) and runs the script as root. */
async function asFirstUser(board: Board, user: string, opts: BootstrapOptions,
  login: (auth: Pick<ContactTarget, "privateKey" | "password">) => Promise<BoardContact>, script: string) {
  let password: string | undefined;
  const needPassword = async (why: string) => {
    password ??= await opts.password?.();
    if (password === undefined) {
      throw new ContactError(`board ${board.name}: ${why}; give --password-file, set secret deskcluster:firstUserPassword, or run it from a terminal`);
    }
    return password;
  };
  let c: BoardContact;
  try {
    if (!opts.identity) throw new ContactError(`board ${board.name}: user ${user} was refused (no --identity key)`);
    c = await login({ privateKey: opts.identity });
  } catch (e) {
    if (!isRefusedLogin(e)) throw e;
    c = await login({ password: await needPassword(`user ${user} needs a password to log in`) });
  }
  try {
    let r = await c.exec(`sudo -n bash -s`, script);
    if (r.code !== 0 && /password is required|a terminal is required/i.test(r.stderr)) {
      const os = operatingSystems[osOf(board)];
      const pw = await needPassword(`sudo as ${user} wants a password${os.firstUserSudoNeedsPassword ? ` (as on ${os.label})` : ""}`);
      // sudo reads one line for the password and bash the rest; -k so a cached credential never lets bash read the password.
      r = await c.exec(`sudo -k -S -p '' bash -s`, `${pw}\n${script}`);
    }
    const outcome = parseBootstrapOutcome(r.stdout);
    if (r.code !== 0 || !outcome) {
      const why = (r.stderr.trim().split("\n").pop() ?? "").split(password ?? "\u0000").join("***");
      throw new ContactError(`board ${board.name}: bootstrap as ${user} failed (exit ${r.code}): ${why || "no output"}`);
    }
    return outcome;
  } finally {
    c.close();
  }
}

export async function bootstrapBoards(inv: Inventory, opts: BootstrapOptions, config: StackConfig, io: BootstrapIo): Promise<BootstrapResult> {
  const unknown = (opts.boards ?? []).filter((n) => !inv.boards.some((b) => b.name === n));
  if (unknown.length > 0) throw new Error(`no board named ${unknown.join(", ")} in the inventory`);
  const boards = inv.boards.filter((b) => !opts.boards?.length || opts.boards.includes(b.name));
  const raw = config.get(hostKeysKey);
  let recorded: Record<string, string>;
  try { recorded = raw ? JSON.parse(raw) : {}; } catch { throw new Error(`config ${hostKeysKey} of ${config.describe} is not a JSON map board -> key`); }
  const pem = deployKeyOf(opts, config, io);
  const deploy = { pem, publicKey: publicKeyOf(pem) };
  const hostKeys = { ...recorded };
  const results = await Promise.allSettled(boards.map((b) =>
    bootstrapBoard(b, inv, opts, recorded[b.name], deploy, (line) => { hostKeys[b.name] = line; })));
  const failed: string[] = [];
  let changed = 0;
  results.forEach((r, i) => {
    const name = boards[i].name;
    if (r.status === "fulfilled") {
      io.out(r.value.line);
      if (r.value.changed) changed++;
      return;
    }
    failed.push(name);
    const msg = (r.reason as Error).message.split("\n")[0];
    io.err(msg.startsWith(`board ${name}`) ? msg : `board ${name}: ${msg}`);
  });
  const keysChanged = boards.some((b) => hostKeys[b.name] !== recorded[b.name]);
  if (keysChanged && opts.save !== false) config.set(hostKeysKey, JSON.stringify(hostKeys), { secret: true });
  io.out(`bootstrap: ${boards.length} boards, ${changed === 0 ? "nothing changed" : `${changed} changed`}`
    + (failed.length ? `, ${failed.length} failed (${failed.join(", ")})` : ""));
  return { failed, changed, hostKeys };
}

const usage = `usage: npm run bootstrap -- <inventory.yaml> --stack NAME [options]
  --config-file FILE         the stack's Pulumi config file, if not Pulumi.<stack>.yaml
  --identity FILE            the first user's private key (default ~/.ssh/id_ed25519)
  --password-file FILE       the first user's password (else secret deskcluster:firstUserPassword, else a prompt)
  --deploy-key FILE          the deploy user's private key (else deskcluster:sshPrivateKey, else a new one saved there)
  --board NAME               only this board (repeatable)
  --fingerprint B=SHA256:..  board B's host key, as read on its console (repeatable)
  --accept-new               trust a board's host key on first use
  --reflashed NAME           the board's card was reflashed: its new key replaces the recorded one (repeatable)
  --no-save                  change nothing in the stack config; print the host keys as JSON (or --host-keys-out FILE)
  --timeout SECONDS          per connection (default 15)`;

class UsageError extends Error {}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = "";
    const onData = (d: Buffer) => {
      for (const ch of d.toString("utf8")) {
        if (ch === "\u0003") process.exit(130);
        if (ch === "\r" || ch === "\n") {
          stdin.off("data", onData).setRawMode(false).pause();
          process.stderr.write("\n");
          return resolve(typed);
        }
        typed = ch === "\u007f" ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function main(argv: string[]): Promise<number> {
  const list = { type: "string", multiple: true } as const;
  const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
    help: { type: "boolean" }, stack: { type: "string" }, "config-file": { type: "string" }, identity: { type: "string" },
    "password-file": { type: "string" }, "deploy-key": { type: "string" }, board: list, fingerprint: list, "accept-new": { type: "boolean" },
    reflashed: list, "no-save": { type: "boolean" }, "host-keys-out": { type: "string" }, timeout: { type: "string", default: "15" },
  } });
  if (v.help) { console.log(usage); return 0; }
  if (positionals.length !== 1) throw new UsageError("one inventory file is needed");
  if (!v.stack && !v["no-save"]) throw new UsageError("--stack is needed (or --no-save)");
  const timeout = Number(v.timeout);
  if (!(timeout > 0)) throw new UsageError(`--timeout ${v.timeout}: not a number of seconds`);
  const fingerprints: Record<string, string> = {};
  for (const f of v.fingerprint ?? []) {
    const m = /^([a-z][a-z0-9-]*)=(SHA256:[A-Za-z0-9+/]{43})$/.exec(f);
    if (!m) throw new UsageError(`--fingerprint ${f}: expected BOARD=SHA256:... (as ssh-keygen -lf prints it)`);
    fingerprints[m[1]] = m[2];
  }
  const { inventory, violations } = validateInventoryFile(positionals[0]);
  if (!inventory) { console.error(violations.map(formatViolation).join("\n")); return 1; }
  const config = v.stack ? pulumiStackConfig({ stack: v.stack, configFile: v["config-file"] }) : memoryStackConfig();
  const defaultIdentity = join(homedir(), ".ssh", "id_ed25519");
  const identity = v.identity ?? (existsSync(defaultIdentity) ? defaultIdentity : undefined);
  let asked: Promise<string | undefined> | undefined;
  const password = () => (asked ??= (async () => {
    if (v["password-file"]) return readFileSync(v["password-file"], "utf8").split("\n")[0];
    const secret = v.stack ? config.get("deskcluster:firstUserPassword") : undefined;
    if (secret !== undefined) return secret;
    return process.stdin.isTTY ? promptHidden("password of the boards' first user: ") : undefined;
  })());
  const result = await bootstrapBoards(inventory, {
    boards: v.board, identity: identity && readFileSync(identity, "utf8"), password,
    deployKey: v["deploy-key"] && readFileSync(v["deploy-key"], "utf8"), fingerprints, acceptNew: v["accept-new"],
    reflashed: v.reflashed, save: !v["no-save"], timeoutMs: timeout * 1000,
  }, config, { out: (l) => console.log(l), err: (l) => console.error(l) });
  if (v["no-save"]) {
    const json = JSON.stringify(result.hostKeys, null, 2);
    if (v["host-keys-out"]) writeFileSync(v["host-keys-out"], `${json}\n`, { mode: 0o600 });
    else console.log(json);
  }
  return result.failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err: Error & { code?: string }) => {
    const usageError = err instanceof UsageError || err.code?.startsWith("ERR_PARSE_ARGS");
    console.error(`bootstrap: ${err.message}${usageError ? `\n${usage}` : ""}`);
    process.exitCode = usageError ? 2 : 1;
  });
}

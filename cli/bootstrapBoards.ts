// First contact, the work per board: log in as the card's first user, make the deploy user (model/bootstrap.ts),
// verify it, and record the host key that was accepted. cli/bootstrap.ts is the command around it.
import { utils } from "ssh2";
import { bootstrapScript, parseBootstrapOutcome, sudoCheckScript } from "../model/bootstrap";
import { Board, Inventory, sshUserOf } from "../model/inventory";
import { hostAddress } from "../model/network";
import { operatingSystems, osOf } from "../model/operatingSystems";
import { BoardContact, contact, ContactError, ContactTarget, fingerprintOf, HostKeyJudge, judgeHostKey, presentedKey } from "./firstContact";
import { StackConfig } from "./stackConfig";

export interface BootstrapOptions {
  readonly boards?: readonly string[];
  /** The first user's private key (PEM). */
  readonly identity?: string;
  /** The first user's password, asked for only when a board needs it (once for all boards). */
  readonly password?: () => Promise<string | undefined>;
  /** The deploy private key (PEM); default: config deskcluster:sshPrivateKey, else one generated and saved there. */
  readonly deployKey?: string;
  readonly fingerprints?: Readonly<Record<string, string>>;
  /** Asks the user whether a key not recorded yet is the board's (its fingerprint as its console shows it); one board at a time. */
  readonly confirm?: (board: Board, fingerprint: string) => Promise<boolean>;
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

/**
 * The fingerprints the user confirmed: those given, and, when the user is asked (a terminal), each key not recorded
 * yet read from its board and shown, one board at a time. A key the user does not confirm stays unconfirmed (refused).
 */
async function confirmedFingerprints(boards: Board[], inv: Inventory, opts: BootstrapOptions, recorded: Record<string, string>) {
  const out: Record<string, string> = { ...opts.fingerprints };
  if (!opts.confirm || opts.acceptNew) return out;
  for (const b of boards.filter((x) => !out[x.name] && (!recorded[x.name] || opts.reflashed?.includes(x.name)))) {
    const { host, port } = opts.reach?.(b) ?? { host: hostAddress(b), port: inv.ssh.port };
    try {
      const key = await presentedKey({ board: b.name, host, port, user: sshUserOf(inv, b) }, opts.timeoutMs);
      if (await opts.confirm(b, key.fingerprint)) out[b.name] = key.fingerprint;
    } catch { /* unreachable: bootstrapBoard says so, naming the board */ }
  }
  return out;
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
  const fingerprints = await confirmedFingerprints(boards, inv, opts, recorded);
  const results = await Promise.allSettled(boards.map((b) =>
    bootstrapBoard(b, inv, { ...opts, fingerprints }, recorded[b.name], deploy, (line) => { hostKeys[b.name] = line; })));
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


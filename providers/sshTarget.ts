// Where a provider reaches a board: address, user and the pinned host key. A program sends the
// board's address only (plain, in every step's inputs); the plugin takes the pinned host key from
// its own config deskcluster:hostKeys (providerConfig.ts), as it takes the stack's one private key,
// so neither secret is copied into every resource's state. Tools and tests may pass both inline.
// What a delete needs (an undo step's board, a roll's nodes, a swarm object's manager) is kept in
// the outputs resolved and secret: a board that leaves still has its key there.
import { createHash } from "node:crypto";
import { configuredHostKeys } from "./providerConfig";

export interface SshTarget {
  /** Board name, used in every error message. */
  readonly board: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly privateKey?: string;
  /** `ssh-ed25519 AAAA...`: the only host key accepted for this board. */
  readonly hostKey: string;
}
/** A board's address as a program sends it: the host key comes from config unless given. */
export type BoardAddress = Omit<SshTarget, "hostKey"> & { readonly hostKey?: string };

/** The properties that hold a target (a map of them for `connections`). */
const targetKeys = ["connection", "manager"] as const;
const targetMaps = ["connections"] as const;

/** The target with its pinned host key, from config deskcluster:hostKeys unless it carries one. */
export function resolveTarget(t: BoardAddress): SshTarget {
  if (!t || typeof t !== "object" || t.hostKey) return t as SshTarget;
  const hostKey = configuredHostKeys()[t.board];
  if (!hostKey) {
    throw new Error(`board ${t.board}, field hostKey: no host key in config deskcluster:hostKeys["${t.board}"]; pin it (ssh-keyscan on a `
      + "trusted network), and keep a leaving board's key until the run that removes it has finished");
  }
  return { ...t, hostKey };
}

/** A property bag with every target in it resolved (resolveTarget); other properties as they are. */
export function withHostKeys<T extends Record<string, unknown>>(props: T): T {
  const out: Record<string, unknown> = { ...props };
  const isTarget = (v: unknown): v is BoardAddress => !!v && typeof v === "object" && typeof (v as BoardAddress).board === "string";
  for (const k of targetKeys) if (isTarget(out[k])) out[k] = resolveTarget(out[k] as BoardAddress);
  for (const k of targetMaps) {
    const m = out[k];
    if (m && typeof m === "object") out[k] = Object.fromEntries(Object.entries(m).map(([b, v]) => [b, isTarget(v) ? resolveTarget(v) : v]));
  }
  return out as T;
}

const keyed = (v: unknown): boolean => !!v && typeof v === "object" && ((v as SshTarget).hostKey !== undefined || (v as SshTarget).privateKey !== undefined);
/** Whether an output holds a pinned key (a target kept for a delete): such an output is secret. */
export function holdsKeys(k: string, v: unknown): boolean {
  if ((targetKeys as readonly string[]).includes(k)) return keyed(v);
  if ((targetMaps as readonly string[]).includes(k)) return !!v && typeof v === "object" && Object.values(v).some(keyed);
  return false;
}

/** What state keeps of a target whose key config pins: the address alone. A target given its own keys (tools, tests) stays whole. */
export function addressOf(t: BoardAddress): BoardAddress {
  if (t.privateKey !== undefined || !t.hostKey || t.hostKey !== configuredHostKeys()[t.board]) return t;
  return { board: t.board, host: t.host, port: t.port, user: t.user };
}

/** Where a target leads and the key it pins: a reflashed board (new key) or a moved one differs; a rotated private key does not. */
export function targetDigest(t: BoardAddress | undefined): string {
  return createHash("sha256").update(JSON.stringify(t ? [t.host, t.port, t.user, t.hostKey ?? null] : null)).digest("hex");
}
/** 64 bits of targetDigest: what a swarm object keeps of its manager's pinned key. */
export const pinDigest = (t: BoardAddress | undefined): string => targetDigest(t).slice(0, 16);

export function sshTargetFailures(t: Partial<SshTarget> | undefined, field = "connection"): { property: string; reason: string }[] {
  const fail = (f: string, reason: string) => ({ property: `${field}.${f}`, reason: `board ${t?.board ?? "?"}, field ${field}.${f}: ${reason}` });
  if (!t) return [{ property: field, reason: `field ${field}: missing` }];
  const out = [];
  if (!t.host) out.push(fail("host", "missing"));
  if (!t.user) out.push(fail("user", "missing"));
  if (t.privateKey !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(t.privateKey)) out.push(fail("privateKey", "not a PEM/OpenSSH private key"));
  if (t.hostKey !== undefined && !/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+$/.test(t.hostKey.trim())) {
    out.push(fail("hostKey", "not `<type> <base64>`; host keys are pinned, never skipped"));
  }
  return out;
}

/**
 * Same board, reached the same way: a new address, user or pinned host key (a reflashed board) is a change to act on.
 * The key is not part of it: a rotated key changes nothing on any board.
 */
export const sameTarget = (a: SshTarget | undefined, b: SshTarget | undefined): boolean =>
  !!a && !!b && a.host === b.host && a.port === b.port && a.user === b.user && a.hostKey === b.hostKey;

// Where a provider reaches a board: address, user and the pinned host key. The whole object
// travels as a Pulumi secret; the provider checks its shape before dialling. The private key is
// the stack's one config deskcluster:sshPrivateKey, which the plugin reads from its own config
// (providerConfig.ts) rather than from every resource's state; tools and tests may pass one here.

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

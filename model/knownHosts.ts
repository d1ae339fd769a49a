// The stack's SSH material, checked before any connection: the pinned host keys and the private key.
const keyLine = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*$/;

/** A malformed host key must stop the run before any connection, naming the board. */
export function hostKeyProblem(board: string, hostKey: string | undefined): string | undefined {
  if (!hostKey) return `board ${board}, config hostKeys.${board}: missing; pin the board's host key (ssh-keyscan on a trusted network)`;
  if (!keyLine.test(hostKey.trim())) return `board ${board}, config hostKeys.${board}: not a public host key of the form "ssh-ed25519 AAAA..."`;
  return undefined;
}

export function privateKeyProblem(privateKey: string | undefined): string | undefined {
  if (!privateKey) return "config sshPrivateKey: missing; set it with `pulumi config set --secret sshPrivateKey < key`";
  if (!/^-----BEGIN (OPENSSH|RSA|EC) PRIVATE KEY-----[\s\S]+-----END (OPENSSH|RSA|EC) PRIVATE KEY-----\s*$/.test(privateKey.trim() + "\n")) {
    return "config sshPrivateKey: not a PEM/OpenSSH private key (-----BEGIN ... PRIVATE KEY-----)";
  }
  return undefined;
}

// SSH settings shared by every operation on a board; the result is the board's address, plain.
// Neither key is in it: the provider plugin reads config deskcluster:sshPrivateKey and
// deskcluster:hostKeys itself, so no resource's state carries them.
import * as pulumi from "@pulumi/pulumi";
import { BoardAddress } from "../providers/sshTarget";

export interface SshCredentials {
  readonly user: string;
  /** Boards whose deploy user is not `user` (inventory `sshUser`). */
  readonly users?: Readonly<Record<string, string>>;
  readonly port: number;
  /** Host keys by board name, as `ssh-ed25519 AAAA...`; never skipped. Checked here, pinned by the plugin. */
  readonly hostKeys: pulumi.Input<Record<string, string>>;
}

export function boardConnection(creds: SshCredentials, board: string, address: string): pulumi.Output<BoardAddress> {
  // Only whether a key is pinned leaves the secret: the address itself is not one.
  const pinned = pulumi.unsecret(pulumi.output(creds.hostKeys).apply((keys) => !!keys[board]));
  return pinned.apply((ok) => {
    if (!ok) throw new Error(`board ${board}: no host key in config deskcluster:hostKeys; pin it before connecting`);
    return { board, host: address, port: creds.port, user: creds.users?.[board] ?? creds.user };
  });
}

// SSH settings shared by every operation on a board; the result is one secret SshTarget. The
// private key is not in it: the provider plugin reads config deskcluster:sshPrivateKey itself.
import * as pulumi from "@pulumi/pulumi";
import { SshTarget } from "../providers/sshTarget";

export interface SshCredentials {
  readonly user: string;
  readonly port: number;
  /** Host keys by board name, as `ssh-ed25519 AAAA...`; never skipped. */
  readonly hostKeys: pulumi.Input<Record<string, string>>;
}

export function boardConnection(creds: SshCredentials, board: string, address: string): pulumi.Output<SshTarget> {
  return pulumi.secret(pulumi.output(creds.hostKeys).apply((keys) => {
    const hostKey = keys[board];
    if (!hostKey) throw new Error(`board ${board}: no host key in config deskcluster:hostKeys; pin it before connecting`);
    return { board, host: address, port: creds.port, user: creds.user, hostKey };
  }));
}

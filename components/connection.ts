// SSH settings shared by every command on a board: the key and the pinned host key are secrets.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

export interface SshCredentials {
  readonly user: string;
  readonly port: number;
  readonly privateKey: pulumi.Input<string>;
  /** Host keys by board name, as `ssh-ed25519 AAAA...`; never skipped. */
  readonly hostKeys: pulumi.Input<Record<string, string>>;
}

export function boardConnection(creds: SshCredentials, board: string, address: string): command.types.input.remote.ConnectionArgs {
  return {
    host: address,
    port: creds.port,
    user: creds.user,
    privateKey: pulumi.secret(creds.privateKey),
    hostKey: pulumi.secret(pulumi.output(creds.hostKeys).apply((keys) => {
      const key = keys[board];
      if (!key) throw new Error(`board ${board}: no host key in config deskcluster:hostKeys; pin it before connecting`);
      return key;
    })),
    // A booting board refuses connections for a while: retry for about five minutes.
    dialErrorLimit: 30,
    perDialTimeout: 10,
  };
}

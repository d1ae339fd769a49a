// The Docker provider dials ssh:// through the local ssh binary, which needs the key and the
// pinned host keys as files: written 0600 into a private folder outside the repository.
import * as pulumi from "@pulumi/pulumi";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { knownHostsLine } from "../model/knownHosts";

export interface SshFiles {
  readonly sshOpts: pulumi.Output<string[]>;
}

export function sshFiles(stack: string, port: number, addresses: Record<string, string>, privateKey: pulumi.Input<string>, hostKeys: pulumi.Input<Record<string, string>>): SshFiles {
  const dir = join(process.env.DESKCLUSTER_CACHE ?? join(homedir(), ".cache", "deskcluster"), "ssh", stack);
  const keyPath = join(dir, "id");
  const knownHostsPath = join(dir, "known_hosts");
  const written = pulumi.all([privateKey, hostKeys]).apply(([key, hosts]) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileSync(keyPath, key.trim() + "\n", { mode: 0o600 });
    writeFileSync(knownHostsPath, Object.entries(addresses).map(([b, a]) => knownHostsLine(a, port, hosts[b])).join("\n") + "\n", { mode: 0o600 });
    return true;
  });
  return {
    sshOpts: written.apply(() => [
      "-i", keyPath, "-o", "IdentitiesOnly=yes", "-o", `UserKnownHostsFile=${knownHostsPath}`,
      "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
    ]),
  };
}

// Throwaway public host keys, one per generated board ("ssh-ed25519 AAAA..."): a preview pins
// them and never connects, so only their form matters.
import { generateKeyPairSync } from "node:crypto";

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

export function throwawayHostKey(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  const raw = der.subarray(der.length - 32); // SPKI of ed25519: a fixed prefix, then the 32-byte key
  return `ssh-ed25519 ${Buffer.concat([sshString(Buffer.from("ssh-ed25519")), sshString(raw)]).toString("base64")}`;
}

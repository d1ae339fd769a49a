// Secrets live in Pulumi config as secrets, never in the inventory or in plaintext config.
import { Violation } from "../violation";

const rule = "secrets";
const secretKey = /(password|passwd|secret|private_?key|privatekey|token|cluster_?id)$/i;
const secretValue = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Scans the raw inventory before the schema runs, so the message names the secret, not "unknown key". */
export function findInventorySecrets(raw: unknown, path = ""): Violation[] {
  if (typeof raw === "string") {
    return secretValue.test(raw) ? [{ rule, field: path || "(root)", message: "a private key is written in the inventory; store it with `pulumi config set --secret`" }] : [];
  }
  if (raw === null || typeof raw !== "object") return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([key, value]) => {
    const field = Array.isArray(raw) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (secretKey.test(key) && value !== undefined && value !== null && typeof value !== "object") {
      return [{ rule, field, message: `${key} looks like a secret; the inventory is plaintext, use \`pulumi config set --secret\`` }];
    }
    return findInventorySecrets(value, field);
  });
}

/** Config keys that must be secrets but were set in plaintext (PULUMI_CONFIG_SECRET_KEYS lists the secret ones). */
export function plaintextSecretConfig(required: readonly string[], present: readonly string[], secretKeys: readonly string[]): Violation[] {
  return required
    .filter((k) => present.includes(k) && !secretKeys.includes(k))
    .map((k) => ({ rule, field: `config ${k}`, message: `${k} is stored in plaintext in Pulumi.<stack>.yaml; set it with \`pulumi config set --secret\`` }));
}

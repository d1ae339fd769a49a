// Secrets live in Pulumi config as secrets, never in the inventory or in plaintext config.
import { Violation } from "../violation";

const rule = "secrets";
const secretKey = /(password|passwd|secret|private_?key|privatekey|token|cluster_?id)$/i;
const secretValue = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Scans the raw inventory before the schema runs, so the message names the secret, not "unknown key". */
export function findInventorySecrets(root: unknown): Violation[] {
  const boardAt = (path: string): string | undefined => {
    const m = path.match(/^boards\[(\d+)\]/);
    const name = m ? (root as { boards?: { name?: unknown }[] })?.boards?.[Number(m[1])]?.name : undefined;
    return typeof name === "string" ? name : undefined;
  };
  const walk = (node: unknown, path: string): Violation[] => {
    if (typeof node === "string") {
      if (!secretValue.test(node)) return [];
      return [{
        rule, board: boardAt(path), field: path || "(root)",
        message: "a private key is written in the inventory; store it with `pulumi config set --secret`",
      }];
    }
    if (node === null || typeof node !== "object") return [];
    return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
      const field = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (secretKey.test(key) && value !== undefined && value !== null && typeof value !== "object") {
        const board = boardAt(field);
        return [{
          rule, board, field: board ? field.replace(/^boards\[\d+\]\./, "") : field,
          message: `${key} looks like a secret; the inventory is plaintext, use \`pulumi config set --secret\``,
        }];
      }
      return walk(value, field);
    });
  };
  return walk(root, "");
}

/** Config keys that must be secrets but were set in plaintext (PULUMI_CONFIG_SECRET_KEYS lists the secret ones). */
export function plaintextSecretConfig(required: readonly string[], present: readonly string[], secretKeys: readonly string[]): Violation[] {
  return required
    .filter((k) => present.includes(k) && !secretKeys.includes(k))
    .map((k) => ({ rule, field: `config ${k}`, message: `${k} is stored in plaintext in Pulumi.<stack>.yaml; set it with \`pulumi config set --secret\`` }));
}

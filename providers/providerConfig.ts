// The stack's deskcluster:* configuration as the engine hands it to deskcluster's default
// provider: PULUMI_CONFIG in the plugin's environment, decrypted, never written to state. The SSH
// key every board shares and the boards' pinned host keys are read here once, so no resource
// carries them in its inputs.
let cached: { raw: string; config: Record<string, string> } | undefined;

function providerConfig(): Record<string, string> {
  const raw = process.env.PULUMI_CONFIG ?? "{}";
  if (cached?.raw === raw) return cached.config;
  let config: Record<string, string> = {};
  try {
    config = JSON.parse(raw) as Record<string, string>;
  } catch { /* not from the engine: no configuration */ }
  cached = { raw, config };
  return config;
}

/** config deskcluster:sshPrivateKey, when the engine passed it. */
export const configuredPrivateKey = (): string | undefined => providerConfig().sshPrivateKey || undefined;

/** config deskcluster:hostKeys (board name to `ssh-ed25519 AAAA...`), when the engine passed it. */
export function configuredHostKeys(): Record<string, string> {
  const raw = providerConfig().hostKeys;
  if (!raw) return {};
  try {
    const keys = JSON.parse(raw) as unknown;
    return keys && typeof keys === "object" && !Array.isArray(keys) ? (keys as Record<string, string>) : {};
  } catch {
    return {};
  }
}

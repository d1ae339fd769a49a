// A stack's config as the user's tools read and write it: through the Pulumi CLI, with this
// project's toolchain and passphrase settings (scripts/toolchain/env.sh, scripts/stackEnv.sh).
// Values go through stdin, never a command line; secrets are written with --secret.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..");

export interface StackConfig {
  readonly describe: string;
  /** The plain value (a secret decrypted), or undefined when the key is not set. */
  get(key: string): string | undefined;
  set(key: string, value: string, opts: { secret: boolean }): void;
}

export interface StackRef { readonly stack: string; readonly configFile?: string }

function pulumi(ref: StackRef, args: string, input?: string) {
  const file = ref.configFile ? ` --config-file ${JSON.stringify(ref.configFile)}` : "";
  const script = `. scripts/toolchain/env.sh && STACK=${JSON.stringify(ref.stack)} . scripts/stackEnv.sh && `
    + `pulumi config ${args} --stack ${JSON.stringify(ref.stack)}${file}`;
  return spawnSync("bash", ["-c", script], { cwd: root, encoding: "utf8", input, maxBuffer: 16 << 20 });
}

export function pulumiStackConfig(ref: StackRef): StackConfig {
  if (!/^[A-Za-z0-9_.-]+$/.test(ref.stack)) throw new Error(`stack ${ref.stack}: not a stack name`);
  return {
    describe: `stack ${ref.stack}${ref.configFile ? ` (${ref.configFile})` : ""}`,
    get(key) {
      const r = pulumi(ref, `get ${key}`);
      if (r.status === 0) return r.stdout.replace(/\n$/, "");
      if (/not found/i.test(r.stderr)) return undefined;
      throw new Error(`stack ${ref.stack}: pulumi config get ${key} failed: ${r.stderr.trim().split("\n").pop()}`);
    },
    set(key, value, opts) {
      const r = pulumi(ref, `set ${opts.secret ? "--secret " : ""}${key}`, value);
      if (r.status !== 0) throw new Error(`stack ${ref.stack}: pulumi config set ${key} failed: ${r.stderr.trim().split("\n").pop()}`);
    },
  };
}

/** A config held in memory: for tests, and for runs that must not write the stack (--no-save). */
export function memoryStackConfig(values: Record<string, string> = {}): StackConfig & { values: Record<string, string> } {
  return {
    values, describe: "memory",
    get: (key) => values[key],
    set: (key, value) => { values[key] = value; },
  };
}

// The environment scripts/toolchain/env.sh gives a shell (pulumi on PATH, offline settings),
// captured once so the bench can start `pulumi` itself and time only pulumi.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export function toolchainEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // ensure.sh is instant when the toolchain is cached, and compiles it (once) otherwise.
  execFileSync("bash", [join(root, "scripts/toolchain/ensure.sh")], { stdio: ["ignore", process.stderr, process.stderr] });
  const dump = execFileSync("bash", ["-c", `. "${join(root, "scripts/toolchain/env.sh")}" && env -0`], {
    cwd: root, env: { ...process.env, ...extra }, encoding: "utf8",
  });
  const env: NodeJS.ProcessEnv = {};
  for (const kv of dump.split("\0")) {
    const i = kv.indexOf("=");
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

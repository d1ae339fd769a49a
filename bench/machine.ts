// What a run ran on, so two result files can be compared: the figures depend on cores,
// memory and what else was running (the load average at the start says so).
import { execFileSync } from "node:child_process";
import { arch, cpus, hostname, loadavg, release, totalmem, version } from "node:os";

export interface Machine {
  readonly host: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly arch: string;
  readonly node: string;
  readonly pulumi: string;
  readonly loadAverage: number[];
  readonly commit: string;
}

const quiet = (cmd: string, args: string[], env?: NodeJS.ProcessEnv): string => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", env, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
};

export function machine(root: string, env: NodeJS.ProcessEnv): Machine {
  const dirty = quiet("git", ["-C", root, "status", "--porcelain"]) !== "";
  return {
    host: hostname(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${release()} (${version()})`,
    arch: arch(),
    node: process.version,
    pulumi: quiet("pulumi", ["version"], env),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    commit: `${quiet("git", ["-C", root, "rev-parse", "--short", "HEAD"])}${dirty ? " (dirty tree)" : ""}`,
  };
}

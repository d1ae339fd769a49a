// Reads a board's vitals from its /proc and /sys (mounted read-only into the agent's
// container under HOST_PROC / HOST_SYS) and the data disk, through the pure parsers.
import { readdirSync, readFileSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { HealthRecord } from "./record";
import { boardMemory, CgroupMemoryFiles, CpuTimes, cpuClockMhz, cpuPercent, cpuTemperatureC, parseLoadavg, parseMeminfo, parseProcStat } from "./vitals";

export interface HostPaths { readonly proc: string; readonly sys: string; readonly dataDir: string }

const readOr = (path: string): string | undefined => { try { return readFileSync(path, "utf8"); } catch { return undefined; } };

function thermalZones(sys: string): { type: string; temp: string }[] {
  const dir = join(sys, "class", "thermal");
  let names: string[] = [];
  try { names = readdirSync(dir).filter((n) => n.startsWith("thermal_zone")).sort(); } catch { return []; }
  return names.flatMap((n) => {
    const temp = readOr(join(dir, n, "temp"));
    return temp === undefined ? [] : [{ type: readOr(join(dir, n, "type")) ?? "", temp }];
  });
}

/** The board's memory cgroup as its root sees it (the agent sees the board's /sys under HOST_ROOT). */
function cgroupMemory(sys: string): CgroupMemoryFiles {
  const v2 = join(sys, "fs", "cgroup");
  const max = readOr(join(v2, "memory.max"));
  if (max !== undefined) return { max, current: readOr(join(v2, "memory.current")), stat: readOr(join(v2, "memory.stat")) };
  const v1 = join(v2, "memory");
  return { max: readOr(join(v1, "memory.limit_in_bytes")), current: readOr(join(v1, "memory.usage_in_bytes")), stat: readOr(join(v1, "memory.stat")) };
}

function disk(path: string): { used: number; total: number } | null {
  try {
    const s = statfsSync(path);
    return { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
  } catch { return null; }
}

/** Keeps the previous /proc/stat sample: CPU % is a difference between two samples. */
export class Sampler {
  private prev: CpuTimes | undefined;

  constructor(private readonly board: string, private readonly paths: HostPaths) {}

  sample(now = Date.now()): HealthRecord {
    const cpu = parseProcStat(readFileSync(join(this.paths.proc, "stat"), "utf8"));
    const pct = this.prev ? cpuPercent(this.prev, cpu) : null;
    this.prev = cpu;
    const mem = boardMemory(parseMeminfo(readFileSync(join(this.paths.proc, "meminfo"), "utf8")), cgroupMemory(this.paths.sys));
    const load = parseLoadavg(readFileSync(join(this.paths.proc, "loadavg"), "utf8"));
    const temp = cpuTemperatureC(thermalZones(this.paths.sys));
    const d = disk(this.paths.dataDir);
    return {
      board: this.board, ts: now, cpuPercent: pct,
      cpuTempC: temp, tempStatus: temp === null ? "unavailable" : "ok",
      memFreeKb: mem.freeKb, memAvailableKb: mem.availableKb, memTotalKb: mem.totalKb,
      cpuMhz: cpuClockMhz(readOr(join(this.paths.sys, "devices/system/cpu/cpu0/cpufreq/scaling_cur_freq")), readOr(join(this.paths.proc, "cpuinfo"))),
      ...load,
      diskUsedBytes: d?.used ?? null, diskTotalBytes: d?.total ?? null,
    };
  }
}

// Pure parsers of the files a board exposes in /proc and /sys, and the vitals derived from
// two consecutive samples. Tested on fixture files; the agent only reads and calls these.

/** Jiffies of the aggregate "cpu" line of /proc/stat: busy and total. */
export interface CpuTimes { readonly busy: number; readonly total: number }

export function parseProcStat(text: string): CpuTimes {
  const line = text.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error("/proc/stat: no aggregate cpu line");
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((n) => !Number.isFinite(n))) throw new Error(`/proc/stat: malformed cpu line "${line}"`);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const idleAll = idle + iowait;
  const total = user + nice + system + idleAll + irq + softirq + steal;
  return { busy: total - idleAll, total };
}

/** CPU use between two samples in percent, 0..100 (null when no time passed). */
export function cpuPercent(prev: CpuTimes, next: CpuTimes): number | null {
  const dt = next.total - prev.total;
  if (dt <= 0) return null;
  const pct = (100 * (next.busy - prev.busy)) / dt;
  return Math.round(Math.min(100, Math.max(0, pct)) * 10) / 10;
}

export interface MemInfo { readonly freeKb: number; readonly availableKb: number; readonly totalKb: number }

export function parseMeminfo(text: string): MemInfo {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const totalKb = kb("MemTotal"), freeKb = kb("MemFree");
  if (totalKb === undefined || freeKb === undefined) throw new Error("/proc/meminfo: no MemTotal or MemFree");
  // Kernels before 3.14 lack MemAvailable; free + page cache is the classic estimate.
  const availableKb = kb("MemAvailable") ?? freeKb + (kb("Buffers") ?? 0) + (kb("Cached") ?? 0);
  return { freeKb, availableKb, totalKb };
}

/** The files of a memory cgroup: v2 (memory.max, memory.current, memory.stat) or v1 (memory/memory.limit_in_bytes, ...). */
export interface CgroupMemoryFiles { readonly max?: string; readonly current?: string; readonly stat?: string }

/** Limits this large mean "no limit" (v1 writes the page-rounded maximum of a signed 64-bit value). */
const unlimited = 2 ** 60;

/**
 * The memory of a board that is a container (a lab board): its cgroup's limit is its RAM, not the
 * host's MemTotal. Available = limit - (usage - inactive file pages), the kernel's own estimate of
 * reclaimable cache. Unchanged when there is no limit or the limit is above MemTotal (a real board).
 */
export function boardMemory(host: MemInfo, cg: CgroupMemoryFiles): MemInfo {
  const limit = Number(cg.max?.trim());
  if (!cg.max || cg.max.trim() === "max" || !Number.isFinite(limit) || limit <= 0 || limit >= unlimited) return host;
  const totalKb = Math.floor(limit / 1024);
  if (totalKb >= host.totalKb) return host;
  const usage = Number(cg.current?.trim());
  if (!Number.isFinite(usage)) return { ...host, totalKb, availableKb: Math.min(host.availableKb, totalKb), freeKb: Math.min(host.freeKb, totalKb) };
  // v1 counts the whole subtree under total_*; v2's inactive_file already does.
  const stat = (key: string) => new RegExp(`^${key} (\\d+)$`, "m").exec(cg.stat ?? "")?.[1];
  const inactive = Number(stat("total_inactive_file") ?? stat("inactive_file") ?? 0);
  const usedKb = Math.floor(usage / 1024), reclaimKb = Math.floor(inactive / 1024);
  return {
    totalKb,
    freeKb: Math.max(0, totalKb - usedKb),
    availableKb: Math.max(0, Math.min(totalKb, totalKb - usedKb + reclaimKb)),
  };
}

export interface LoadAvg { readonly load1: number; readonly load5: number; readonly load15: number }

export function parseLoadavg(text: string): LoadAvg {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (![load1, load5, load15].every(Number.isFinite)) throw new Error(`/proc/loadavg: malformed "${text.trim()}"`);
  return { load1, load5, load15 };
}

/**
 * The CPU temperature from the thermal zones: the zone typed as the CPU/SoC when one is,
 * else the first. Inputs are [type, temp] pairs as read from /sys/class/thermal/thermal_zone*.
 * null means the board has no usable thermal zone (a VM, a container host): "unavailable".
 */
export function cpuTemperatureC(zones: ReadonlyArray<{ type: string; temp: string }>): number | null {
  const usable = zones.map((z) => ({ type: z.type.trim(), milli: Number(z.temp.trim()) }))
    .filter((z) => Number.isFinite(z.milli) && z.milli > -40_000 && z.milli < 150_000);
  if (usable.length === 0) return null;
  const cpu = usable.find((z) => /cpu|soc|x86_pkg_temp/i.test(z.type)) ?? usable[0];
  return Math.round(cpu.milli / 100) / 10;
}

/** Current CPU clock in MHz from cpufreq (kHz), else the "cpu MHz" of /proc/cpuinfo; null if neither. */
export function cpuClockMhz(scalingCurFreqKhz: string | undefined, cpuinfo: string | undefined): number | null {
  const khz = Number(scalingCurFreqKhz?.trim());
  if (scalingCurFreqKhz !== undefined && Number.isFinite(khz) && khz > 0) return Math.round(khz / 1000);
  const m = cpuinfo ? /^cpu MHz\s*:\s*([\d.]+)/m.exec(cpuinfo) : null;
  return m ? Math.round(Number(m[1])) : null;
}

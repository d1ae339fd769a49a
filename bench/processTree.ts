// Peak memory of a whole process tree (pulumi, its language host, the Node.js program, the policy
// analyzer and the dynamic-provider host), sampled from /proc. `/usr/bin/time -v` would report
// only the largest single process (ru_maxrss of the children), not what the tree holds at once.
// RSS counts shared pages once per process; PSS shares them out, so the PSS sum is what the
// tree really costs the machine. Sampling every 100 ms can miss a shorter spike.
import { readdirSync, readFileSync } from "node:fs";

export interface TreePeak {
  readonly rssMb: number;
  readonly pssMb: number;
  readonly processes: number;
  readonly samples: number;
}

export interface TreeSampler {
  stop(): TreePeak;
}

function parents(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch { /* exited between readdir and read */ }
  }
  return kids;
}

export function treeOf(root: number): number[] {
  const kids = parents();
  const out: number[] = [];
  for (const todo = [root]; todo.length > 0;) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(kids.get(p) ?? []));
  }
  return out;
}

function memoryKb(pid: number): { rss: number; pss: number } | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
    return { rss: kb("Rss"), pss: kb("Pss") };
  } catch {
    return undefined;
  }
}

export function sampleTree(root: number, everyMs = 100): TreeSampler {
  let rss = 0, pss = 0, processes = 0, samples = 0;
  const sample = () => {
    let r = 0, p = 0, n = 0;
    for (const pid of treeOf(root)) {
      const m = memoryKb(pid);
      if (m) { r += m.rss; p += m.pss; n++; }
    }
    rss = Math.max(rss, r); pss = Math.max(pss, p); processes = Math.max(processes, n); samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return { rssMb: Math.round(rss / 1024), pssMb: Math.round(pss / 1024), processes, samples };
    },
  };
}

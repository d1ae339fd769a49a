// Size of a plan from `pulumi preview --json` written to a file: resources and dependency edges
// (distinct resource -> dependency pairs, from `dependencies` and `propertyDependencies`, as the
// engine recorded them after the SDK expanded dependencies on components).
// The file is read after the preview exits, outside the measured process tree; at 200 boards it
// is about 80 MB, which a string holds (a child's stdout buffer of 64 MB does not).
import { readFileSync, statSync } from "node:fs";

export interface PlanSize {
  readonly resources: number;
  readonly customResources: number;
  readonly edges: number;
  readonly jsonMb: number;
  readonly ops: Record<string, number>;
}

interface Step { op: string; newState?: State; oldState?: State }
interface State { custom?: boolean; dependencies?: string[]; propertyDependencies?: Record<string, string[]> }

export function planSize(json: { steps?: Step[] }, bytes = 0): PlanSize {
  let edges = 0, custom = 0;
  const ops: Record<string, number> = {};
  const steps = json.steps ?? [];
  for (const s of steps) {
    ops[s.op] = (ops[s.op] ?? 0) + 1;
    const st = s.newState ?? s.oldState;
    if (!st) continue;
    if (st.custom) custom++;
    edges += new Set([...(st.dependencies ?? []), ...Object.values(st.propertyDependencies ?? {}).flat()]).size;
  }
  return { resources: steps.length, customResources: custom, edges, jsonMb: Math.round((bytes / 1e6) * 10) / 10, ops };
}

export function planSizeOfFile(file: string): PlanSize {
  return planSize(JSON.parse(readFileSync(file, "utf8")), statSync(file).size);
}

// The longest chain of resource steps through the dependency graph, weighted by how long the
// engine itself spent on each step (ResourcePreEvent to ResOutputsEvent of its event log).
// A converge can never be shorter than this chain; converge / critical path is its overhead.

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependencies?: string[];
  readonly propertyDependencies?: Record<string, string[]>;
}

/** One resource step: start and end in epoch ms. */
export interface StepTiming {
  readonly urn: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface CriticalPath {
  readonly totalMs: number;
  readonly steps: { urn: string; durationMs: number }[];
}

/** Provider references are "urn::id"; the engine creates the provider before its resources. */
const providerUrn = (ref: string | undefined): string | undefined => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

/**
 * What each resource waits for. A dependency on a component means all of its custom
 * descendants (components have no step of their own that a child waits on), so components
 * are replaced by their descendants.
 */
export function waitsFor(resources: readonly StateResource[]): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  const expanded = new Map<string, string[]>();
  const customsUnder = (urn: string): string[] => {
    const known = expanded.get(urn);
    if (known) return known;
    expanded.set(urn, []); // a parent cycle cannot recurse forever
    const out = (children.get(urn) ?? []).flatMap((c) => (byUrn.get(c)?.custom ? [c, ...customsUnder(c)] : customsUnder(c)));
    expanded.set(urn, out);
    return out;
  };
  const resolve = (urn: string): string[] => {
    const r = byUrn.get(urn);
    if (!r) return [];
    return r.custom ? [urn] : customsUnder(urn);
  };
  const graph = new Map<string, Set<string>>();
  for (const r of resources) {
    const direct = [...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()];
    const provider = providerUrn(r.provider);
    if (provider) direct.push(provider);
    graph.set(r.urn, new Set(direct.flatMap(resolve).filter((u) => u !== r.urn)));
  }
  return graph;
}

export function criticalPath(resources: readonly StateResource[], timings: readonly StepTiming[]): CriticalPath {
  const duration = new Map(timings.map((t) => [t.urn, Math.max(0, t.endMs - t.startMs)]));
  const graph = waitsFor(resources);
  const best = new Map<string, { totalMs: number; via?: string }>();
  const visiting = new Set<string>();
  const longest = (urn: string): number => {
    const known = best.get(urn);
    if (known) return known.totalMs;
    if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
    visiting.add(urn);
    let via: string | undefined;
    let before = 0;
    for (const d of graph.get(urn) ?? []) {
      const t = longest(d);
      if (t > before || via === undefined) { before = t; via = d; }
    }
    visiting.delete(urn);
    const totalMs = before + (duration.get(urn) ?? 0);
    best.set(urn, { totalMs, via });
    return totalMs;
  };
  let end: string | undefined;
  for (const r of resources) if (end === undefined || longest(r.urn) > longest(end)) end = r.urn;
  const steps: { urn: string; durationMs: number }[] = [];
  for (let u = end; u !== undefined; u = best.get(u)?.via) steps.unshift({ urn: u, durationMs: duration.get(u) ?? 0 });
  return { totalMs: end === undefined ? 0 : longest(end), steps: steps.filter((s) => s.durationMs > 0) };
}

/** A URN's last segment is the resource's name: what a reader recognises in a table. */
export const resourceName = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

// How big the stack's state is (`pulumi stack export`, secrets as stored: encrypted), per
// resource and per board, and which resource types and which of their properties carry it. The
// whole file is rewritten after every step, so its size is paid once per resource step.
import { StateResource } from "./criticalPath";

export interface StateSize {
  readonly bytes: number;
  readonly resources: number;
  readonly bytesPerResource: number;
  readonly bytesPerBoard: number;
  /** Sizes as the state file writes them (indented), so that a type's share adds up to the file. */
  readonly largestTypes: { type: string; count: number; meanBytes: number; bytes?: number; largestProperties?: { property: string; meanBytes: number }[] }[];
}

export interface Exported { deployment?: { resources?: (StateResource & Record<string, unknown>)[] } }

/** Where a resource sits in the export: deployment.resources[i], four spaces a level. */
const resourceDepth = 3;

/** A value's bytes in the export at this nesting depth: Pulumi writes its state indented by four spaces a level. */
export function writtenBytes(v: unknown, depth: number): number {
  const text = JSON.stringify(v, null, 4) ?? "";
  return Buffer.byteLength(text) + (text.split("\n").length - 1) * 4 * depth;
}

/** A resource's top-level fields, with its inputs and outputs split into their properties. */
function parts(r: Record<string, unknown>): [string, number][] {
  return Object.entries(r).flatMap(([k, v]): [string, number][] => {
    if ((k === "inputs" || k === "outputs") && typeof v === "object" && v !== null) {
      return Object.entries(v).map(([p, x]): [string, number] => [`${k}.${p}`, writtenBytes(x, resourceDepth + 2)]);
    }
    return [[k, writtenBytes(v, resourceDepth + 1)]];
  });
}

export function stateSize(exportText: string, boards: number): StateSize {
  const resources = (JSON.parse(exportText) as Exported).deployment?.resources ?? [];
  const bytes = Buffer.byteLength(exportText);
  const byType = new Map<string, { count: number; bytes: number; props: Map<string, number> }>();
  for (const r of resources) {
    const t = byType.get(r.type) ?? { count: 0, bytes: 0, props: new Map<string, number>() };
    t.count++;
    t.bytes += writtenBytes(r, resourceDepth);
    for (const [p, b] of parts(r)) t.props.set(p, (t.props.get(p) ?? 0) + b);
    byType.set(r.type, t);
  }
  const largestTypes = [...byType].map(([type, t]) => ({
    type, count: t.count, meanBytes: Math.round(t.bytes / t.count), bytes: t.bytes,
    largestProperties: [...t.props].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([property, b]) => ({ property, meanBytes: Math.round(b / t.count) })),
  })).sort((a, b) => b.meanBytes * b.count - a.meanBytes * a.count).slice(0, 5);
  return {
    bytes, resources: resources.length,
    bytesPerResource: resources.length ? Math.round(bytes / resources.length) : 0,
    bytesPerBoard: boards ? Math.round(bytes / boards) : 0,
    largestTypes,
  };
}

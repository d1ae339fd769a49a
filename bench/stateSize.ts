// How big the stack's state is (`pulumi stack export`, secrets as stored: encrypted), per
// resource and per board, and which resource types carry it. The whole file is rewritten after
// every step, so its size is paid once per resource step.
import { StateResource } from "./criticalPath";

export interface StateSize {
  readonly bytes: number;
  readonly resources: number;
  readonly bytesPerResource: number;
  readonly bytesPerBoard: number;
  readonly largestTypes: { type: string; count: number; meanBytes: number }[];
}

export interface Exported { deployment?: { resources?: (StateResource & Record<string, unknown>)[] } }

export function stateSize(exportText: string, boards: number): StateSize {
  const resources = (JSON.parse(exportText) as Exported).deployment?.resources ?? [];
  const bytes = Buffer.byteLength(exportText);
  const byType = new Map<string, { count: number; bytes: number }>();
  for (const r of resources) {
    const t = byType.get(r.type) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += Buffer.byteLength(JSON.stringify(r));
    byType.set(r.type, t);
  }
  const largestTypes = [...byType].map(([type, t]) => ({ type, count: t.count, meanBytes: Math.round(t.bytes / t.count) }))
    .sort((a, b) => b.meanBytes * b.count - a.meanBytes * a.count).slice(0, 5);
  return {
    bytes, resources: resources.length,
    bytesPerResource: resources.length ? Math.round(bytes / resources.length) : 0,
    bytesPerBoard: boards ? Math.round(bytes / boards) : 0,
    largestTypes,
  };
}

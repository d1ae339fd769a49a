// One rack field per board feeds Cassandra racks, Kafka broker.rack, swarm labels and voter spread.
import { Board } from "./inventory";
import { byName } from "./placement";

/** Racks in name order, each with its boards in name order, so list order never matters. */
export function groupByRack(boards: readonly Board[]): Map<string, Board[]> {
  const racks = new Map<string, Board[]>();
  for (const b of [...boards].sort(byName)) racks.set(b.rack, [...(racks.get(b.rack) ?? []), b]);
  return new Map([...racks.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Largest minus smallest count over the given racks (0 when balanced exactly). */
export function rackImbalance(boards: readonly Board[]): number {
  const sizes = [...groupByRack(boards).values()].map((bs) => bs.length);
  return sizes.length === 0 ? 0 : Math.max(...sizes) - Math.min(...sizes);
}

// Seed choice of the Kubernetes Cassandra operator: max(3, racks) seeds per datacenter spread
// over racks, i.e. three, one per rack when there are more than three racks, and all nodes
// when there are fewer than three. A joining node (new, or replaced with an empty disk) never
// lists itself: a node that is its own seed skips bootstrap and replacement, and would join
// owning ranges it holds no data for.
import { Board } from "./inventory";
import { groupByRack } from "./racks";

/** `joining` boards go last in their rack, so a settled node is the seed wherever a rack has one. */
export function cassandraSeeds(nodes: readonly Board[], joining: ReadonlySet<string> = new Set()): Board[] {
  const settledFirst = (rack: Board[]) => [...rack.filter((b) => !joining.has(b.name)), ...rack.filter((b) => joining.has(b.name))];
  const racks = [...groupByRack(nodes).values()].map(settledFirst);
  if (nodes.length <= 3) return racks.flat();
  if (racks.length > 3) return racks.map((r) => r[0]);
  const seeds: Board[] = [];
  for (let depth = 0; seeds.length < 3; depth++) {
    for (const rack of racks) if (rack[depth] && seeds.length < 3) seeds.push(rack[depth]);
  }
  return seeds;
}

/** The seed list one node starts with: a joining node leaves itself out and must keep another seed. */
export function seedsFor(address: string, seeds: readonly string[], joining: boolean): string[] {
  if (!joining) return [...seeds];
  const others = seeds.filter((s) => s !== address);
  if (others.length === 0) throw new Error(`cassandra node ${address} would be its own only seed: a joining node needs another node to stream from`);
  return others;
}

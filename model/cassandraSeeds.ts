// Seed choice of the Kubernetes Cassandra operator: three per datacenter spread over racks,
// all nodes when fewer than three, one per rack when there are more than three racks.
import { Board } from "./inventory";
import { groupByRack } from "./racks";

export function cassandraSeeds(nodes: readonly Board[]): Board[] {
  const racks = [...groupByRack(nodes).values()];
  if (nodes.length <= 3) return racks.flat();
  if (racks.length > 3) return racks.map((r) => r[0]);
  const seeds: Board[] = [];
  for (let depth = 0; seeds.length < 3; depth++) {
    for (const rack of racks) if (rack[depth] && seeds.length < 3) seeds.push(rack[depth]);
  }
  return seeds;
}

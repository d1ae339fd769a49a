// Swarm: every board is a Ready node carrying the rack the inventory gives it.
import { LabContext } from "./labContext";

export interface SwarmNode { hostname: string; state: string; rack: string }

export async function swarmNodes(ctx: LabContext, manager: string): Promise<SwarmNode[]> {
  const format = `{{.Description.Hostname}} {{.Status.State}} {{index .Spec.Labels "deskcluster.rack"}}`;
  const out = await ctx.sh(manager, `sudo docker node inspect --format '${format}' $(sudo docker node ls -q)`);
  return out.trim().split("\n").map((l) => { const [hostname, state, rack] = l.split(" "); return { hostname, state, rack }; })
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
}

export function swarmProblems(ctx: LabContext, nodes: SwarmNode[]): string[] {
  return ctx.inventory.boards.flatMap((b) => {
    const n = nodes.find((x) => x.hostname === b.name);
    if (!n) return [`swarm: board ${b.name} is not a node`];
    if (n.state !== "ready") return [`swarm: board ${b.name} is ${n.state}`];
    return n.rack === b.rack ? [] : [`swarm: board ${b.name} has rack label ${n.rack}, inventory says ${b.rack}`];
  });
}

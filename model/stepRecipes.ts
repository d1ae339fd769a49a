// A converge step named by what it does and the facts it needs, rather than by its shell text:
// the program sends a recipe, and the provider renders the scripts from it with the same pure
// functions (boardScripts.ts, swarmScripts.ts, stepProbes.ts). State then holds the recipe (a
// few hundred bytes) instead of every script twice, and a new release that renders a step
// differently is seen by the diff (the digest of what ran) and converged in place.
import { BoardStep } from "./clusterPlan";
import { baseSetupScript, dockerSetupScript, imagePullScript } from "./boardScripts";
import { baseProbe, dockerProbe, imagesProbe, swarmMemberProbe, swarmNodeProbe } from "./stepProbes";
import { nodeLabelScript, nodeRemoveScript, swarmJoinScript, swarmLeaveScript } from "./swarmScripts";

type SwarmRole = "manager" | "worker";

export type StepRecipe =
  | { readonly name: "board-base"; readonly board: BoardStep; readonly peers: readonly string[] }
  | { readonly name: "board-docker"; readonly board: BoardStep }
  | { readonly name: "board-images"; readonly images: readonly string[] }
  | { readonly name: "swarm-member"; readonly address: string; readonly leaderAddress: string; readonly role: SwarmRole; readonly leader: boolean }
  | { readonly name: "swarm-node"; readonly node: string; readonly role: SwarmRole; readonly labels: Readonly<Record<string, string>> };

export interface StepScripts {
  readonly create: string;
  readonly delete?: string;
  readonly probe?: string;
  readonly expect?: Record<string, string>;
}

export const recipeNames: readonly StepRecipe["name"][] = ["board-base", "board-docker", "board-images", "swarm-member", "swarm-node"];

/** The scripts of a step: its converge script, its undo (only when it leaves the inventory), its probe and expected facts. */
export function stepScripts(r: StepRecipe): StepScripts {
  switch (r.name) {
    case "board-base": {
      const read = baseProbe(r.board);
      return { create: baseSetupScript(r.board, r.peers), probe: read.script, expect: read.expect };
    }
    case "board-docker": {
      const read = dockerProbe(r.board);
      return { create: dockerSetupScript(r.board), probe: read.script, expect: read.expect };
    }
    case "board-images": {
      const read = imagesProbe(r.images);
      return { create: imagePullScript(r.images), probe: read.script, expect: read.expect };
    }
    case "swarm-member": {
      const read = swarmMemberProbe(r.role);
      return { create: swarmJoinScript(r.address, r.leaderAddress), delete: swarmLeaveScript(r.leader ? "leader" : r.role), probe: read.script,
        expect: read.expect };
    }
    case "swarm-node": {
      const read = swarmNodeProbe(r.node, r.role, r.labels);
      return { create: nodeLabelScript(r.node, r.labels, r.role), delete: nodeRemoveScript(r.node), probe: read.script, expect: read.expect };
    }
  }
}

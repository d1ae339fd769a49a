// The vocabulary of the board lifecycle plan (model/lifecyclePlan.ts): the rolling plan's
// checks and actions where they fit, plus the few a board that joins, leaves or comes back
// empty needs. Data only, like model/rollPlan.ts. The node-level kinds live in the rolling plan
// (ServiceRoll carries them out); the swarm kinds here are done by the Swarm component's steps.
import { Action, Check, describeCheck } from "./rollPlan";

type SwarmRole = "manager" | "worker";

export type LifecycleCheck =
  | Check
  /** Asked through the swarm API of a manager, like task-replaced. */
  | { readonly kind: "swarm-node-drained"; readonly node: string }
  | { readonly kind: "swarm-node-role"; readonly node: string; readonly role: SwarmRole }
  | { readonly kind: "swarm-node-ready"; readonly node: string; readonly role: SwarmRole; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: "swarm-node-gone"; readonly node: string };

export type LifecycleAction =
  | Action
  /** Apply the node's service with these seeds; `replaceAddress` adds -Dcassandra.replace_address_first_boot=<it>. */
  | { readonly kind: "cassandra-start"; readonly board: string; readonly service: string; readonly seeds: readonly string[]; readonly replaceAddress?: string }
  /** Format the empty data folder with the cluster's CLUSTER_ID and this node id (static quorum: no --standalone, no --initial-controllers). */
  | { readonly kind: "kafka-format-storage"; readonly board: string; readonly service: string; readonly nodeId: number }
  /** Apply the service's desired spec: what a ServiceRoll step does between its actions and its after-checks. */
  | { readonly kind: "service-apply"; readonly service: string }
  | { readonly kind: "service-remove"; readonly service: string }
  | { readonly kind: "swarm-join"; readonly board: string; readonly role: SwarmRole; readonly labels: Readonly<Record<string, string>> }
  /** `manager`: the board whose swarm API acts on `node` (one that stays and keeps its state). */
  | { readonly kind: "swarm-drain"; readonly manager: string; readonly node: string }
  | { readonly kind: "swarm-demote"; readonly manager: string; readonly node: string }
  | { readonly kind: "swarm-leave"; readonly board: string }
  /** `stale`: the entry of a board that came back empty (Down, its old id), removed by force. */
  | { readonly kind: "swarm-node-remove"; readonly manager: string; readonly node: string; readonly stale: boolean };

export type LifecyclePhase = "replace" | "add" | "remove" | "voters";

export interface LifecycleStep {
  readonly phase: LifecyclePhase;
  readonly system: "swarm" | "cassandra" | "kafka";
  /** The board the step is about (actions name the board they run on, or the swarm node they act on). */
  readonly board: string;
  readonly before: readonly LifecycleCheck[];
  readonly actions: readonly LifecycleAction[];
  readonly after: readonly LifecycleCheck[];
}

export interface LifecyclePlan {
  readonly steps: readonly LifecycleStep[];
}

export function describeLifecycleCheck(c: LifecycleCheck): string {
  switch (c.kind) {
    case "swarm-node-drained": return `no task of ${c.node} running`;
    case "swarm-node-role": return `${c.node} a swarm ${c.role}`;
    case "swarm-node-ready": return `${c.node} Ready as a swarm ${c.role} with its labels`;
    case "swarm-node-gone": return `${c.node} gone from the swarm's node list`;
    default: return describeCheck(c);
  }
}

// The nodes of each rolled system, as the ServiceRoll and the lifecycle plan see them: one
// derivation, so the membership the roll records is the one the plans reason about.
import { ClusterPlan } from "./clusterPlan";
import { RollNode } from "./rollPlan";
import { serviceName } from "./serviceNames";

export function cassandraRollNodes(plan: ClusterPlan): RollNode[] {
  return plan.cassandra.nodes.map((n) => ({ board: n.board, service: serviceName("cassandra", n.board), rack: n.rack, address: n.address }));
}

export function kafkaRollNodes(plan: ClusterPlan): RollNode[] {
  return plan.kafka.nodes.map((n) => ({
    board: n.board, service: serviceName("kafka", n.board), rack: n.rack, address: n.address!, nodeId: n.nodeId,
    controller: n.processRoles.includes("controller"), broker: n.processRoles.includes("broker"),
  }));
}

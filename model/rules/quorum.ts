// Quorums must survive a failure: odd voter counts, voters spread over racks,
// replication no wider than the racks and nodes that hold it.
import { Inventory } from "../inventory";
import { isBroker, isVoter, kafkaNodes } from "../kraftQuorum";
import { boardsWithRole } from "../placement";
import { groupByRack } from "../racks";
import { swarmPlan } from "../swarmPlan";
import { Violation } from "../violation";

const rule = "quorum";

function oddCount(count: number, what: string, members: string[], field: string): Violation[] {
  if (count > 0 && count % 2 === 1) return [];
  return [{
    rule, board: members[members.length - 1], field,
    message: `${count} ${what} (${members.join(", ") || "none"}); a quorum needs an odd number, at least 1`,
  }];
}

export function checkQuorum(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  const swarm = swarmPlan(inv);
  out.push(...oddCount(swarm.managers.length, "swarm managers", swarm.managers, "roles"));

  const nodes = kafkaNodes(inv);
  if (nodes.length > 0) {
    const voters = nodes.filter(isVoter);
    out.push(...oddCount(voters.length, "KRaft controllers", voters.map((n) => n.board), "roles"));
    const byRack = new Map<string, string[]>();
    for (const v of voters) byRack.set(v.rack, [...(byRack.get(v.rack) ?? []), v.board]);
    for (const [rack, members] of byRack) {
      if (voters.length > 1 && members.length > Math.floor(voters.length / 2)) {
        out.push({
          rule, board: members[0], field: "rack",
          message: `rack ${rack} holds ${members.length} of ${voters.length} KRaft controllers (${members.join(", ")}); losing it loses the quorum`,
        });
      }
    }
    const brokerNodes = nodes.filter(isBroker);
    const brokers = brokerNodes.length;
    const lastBroker = brokerNodes[brokerNodes.length - 1]?.board;
    const k = inv.services.kafka;
    if (k.defaultReplicationFactor > brokers) {
      out.push({
        rule, board: lastBroker, field: "services.kafka.defaultReplicationFactor",
        message: `replication factor ${k.defaultReplicationFactor} exceeds the ${brokers} brokers`,
      });
    }
    if (k.minInsyncReplicas >= k.defaultReplicationFactor && k.defaultReplicationFactor > 1) {
      out.push({
        rule, board: lastBroker, field: "services.kafka.minInsyncReplicas",
        message: `min ISR ${k.minInsyncReplicas} must be below the replication factor ${k.defaultReplicationFactor}, or one broker down stops acks=all writes`,
      });
    }
  }

  const cassandra = boardsWithRole(inv, "cassandra");
  if (cassandra.length > 0) {
    const racks = groupByRack(cassandra);
    const rf = inv.services.cassandra.replicationFactor;
    const crowded = [...racks.values()].sort((a, b) => b.length - a.length)[0];
    if (rf > racks.size) {
      out.push({
        rule, board: crowded[crowded.length - 1].name, field: "services.cassandra.replicationFactor",
        message: `replication factor ${rf} exceeds the ${racks.size} racks holding Cassandra nodes (${[...racks.keys()].join(", ")}); `
          + "replicas of a range would share a rack",
      });
    }
    if (rf > cassandra.length) {
      out.push({
        rule, board: cassandra[cassandra.length - 1].name, field: "services.cassandra.replicationFactor",
        message: `replication factor ${rf} exceeds the ${cassandra.length} Cassandra nodes`,
      });
    }
  }
  return out;
}

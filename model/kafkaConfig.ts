// configgen for KRaft Kafka: the apache/kafka image's environment for one node.
// CLUSTER_ID is not here: it is a generated secret that the component adds.
import { Inventory } from "./inventory";
import { bootstrapServers, isBroker, KafkaNode, kafkaNodes, kafkaPorts, quorumVoters } from "./kraftQuorum";
import { boardByName } from "./lookup";
import { serviceSizing } from "./memoryBudget";

export const kafkaDataPath = "/var/lib/kafka/data";

export function kafkaNodeEnv(inv: Inventory, node: KafkaNode): Record<string, string> {
  const nodes = kafkaNodes(inv);
  const brokers = bootstrapServers(nodes).length;
  const heapMb = serviceSizing(inv, boardByName(inv, node.board), "kafka").heapMb!;
  const listeners = [
    ...(isBroker(node) ? [`PLAINTEXT://${node.address}:${kafkaPorts.broker}`] : []),
    ...(node.processRoles.includes("controller") ? [`CONTROLLER://${node.address}:${kafkaPorts.controller}`] : []),
  ];
  const env: Record<string, string> = {
    KAFKA_NODE_ID: String(node.nodeId),
    KAFKA_PROCESS_ROLES: node.processRoles.join(","),
    KAFKA_CONTROLLER_QUORUM_VOTERS: quorumVoters(nodes),
    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
    KAFKA_LISTENERS: listeners.join(","),
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    KAFKA_LOG_DIRS: kafkaDataPath,
    KAFKA_HEAP_OPTS: `-Xms${heapMb}m -Xmx${heapMb}m`,
  };
  if (!isBroker(node)) return env;
  return {
    ...env,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${node.address}:${kafkaPorts.broker}`,
    KAFKA_INTER_BROKER_LISTENER_NAME: "PLAINTEXT",
    KAFKA_BROKER_RACK: node.rack,
    KAFKA_REPLICA_SELECTOR_CLASS: "org.apache.kafka.common.replica.RackAwareReplicaSelector",
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: String(Math.min(3, brokers)),
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: String(Math.min(3, brokers)),
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: String(Math.min(2, brokers)),
    KAFKA_DEFAULT_REPLICATION_FACTOR: String(Math.min(inv.services.kafka.defaultReplicationFactor, brokers)),
    KAFKA_MIN_INSYNC_REPLICAS: String(inv.services.kafka.minInsyncReplicas),
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
  };
}

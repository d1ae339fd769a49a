#!/usr/bin/env bash
# deskcluster lab: prove deskcluster/kafka:3.9.1 on a user-defined bridge network.
# Three combined broker,controller nodes (ids 1-3, racks, KAFKA_CONTROLLER_QUORUM_VOTERS) form a
# KRaft quorum (kafka-metadata-quorum describe --status: a leader and 3 voters); a topic with
# replication 3 and min.insync.replicas=2 is created; a node restarts on its formatted volume;
# startup time and RSS are measured with KAFKA_HEAP_OPTS=-Xmx320m.
# Everything it starts is named dc-imgtest-kafka* and removed on exit.
set -euo pipefail
IMAGE=${KAFKA_IMAGE:-deskcluster/kafka:3.9.1}
P=dc-imgtest-kafka
NET=$P-net
CLUSTER_ID=${CLUSTER_ID:-ZGMtaW1ndGVzdC1rYWZrYQ}   # 22 chars of base64, fixed for the test
HEAP=${KAFKA_HEAP_OPTS:--Xmx320m}

cleanup() {
  for c in $(docker ps -aq --filter "name=^$P"); do docker rm -f -v "$c" >/dev/null; done
  docker network rm "$NET" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
docker network create --label deskcluster.imgtest=1 "$NET" >/dev/null

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
rss_mib() { docker exec "$1" ps -C java -o rss= | awk '{s+=$1} END {printf "%d", s/1024}'; }
# tools run inside a broker container with a small heap, as a health check would
tool() { local c=$1; shift; docker exec -e KAFKA_HEAP_OPTS=-Xmx64m "$c" "$@"; }

voters=$(for i in 1 2 3; do printf '%s@%s%s:9093,' "$i" "$P" "$i"; done); voters=${voters%,}
t0=$(date +%s.%N)
for i in 1 2 3; do
  extra=()
  # node 1 also checks the name mapping: __ -> _, ___ -> -, _ -> .
  [ "$i" != 1 ] || extra=(-e KAFKA_DESKCLUSTER__TEST___KEY_X=1)
  docker run -d --name "$P$i" --hostname "$P$i" --network "$NET" \
    -e KAFKA_NODE_ID="$i" -e KAFKA_PROCESS_ROLES=broker,controller -e CLUSTER_ID="$CLUSTER_ID" \
    -e KAFKA_CONTROLLER_QUORUM_VOTERS="$voters" \
    -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 \
    -e KAFKA_ADVERTISED_LISTENERS="PLAINTEXT://$P$i:9092" \
    -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER \
    -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT \
    -e KAFKA_INTER_BROKER_LISTENER_NAME=PLAINTEXT \
    -e KAFKA_BROKER_RACK="rack-$i" \
    -e KAFKA_REPLICA_SELECTOR_CLASS=org.apache.kafka.common.replica.RackAwareReplicaSelector \
    -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=3 -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=3 \
    -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=2 -e KAFKA_LOG_DIRS=/var/lib/kafka/data \
    -e KAFKA_HEAP_OPTS="$HEAP" "${extra[@]}" "$IMAGE" >/dev/null
done

status=""
for _ in $(seq 1 90); do
  if status=$(tool "${P}1" kafka-metadata-quorum --bootstrap-server "${P}1:9092,${P}2:9092" describe --status 2>/dev/null) \
     && echo "$status" | grep -qE '^LeaderId: +[1-3]$' \
     && echo "$status" | grep -E '^CurrentVoters:' | grep -o '"id": *[0-9]' | wc -l | grep -qx 3; then
    break
  fi
  status=""; sleep 2
done
[ -n "$status" ] || { echo "FAIL: no quorum" >&2; for i in 1 2 3; do docker logs --tail 30 "$P$i" >&2; done; exit 1; }
t_quorum=$(elapsed "$t0")
echo "$status"

topic_out=""
for _ in $(seq 1 30); do
  if topic_out=$(tool "${P}2" kafka-topics --bootstrap-server "${P}2:9092" --create --topic dc-imgtest \
      --partitions 3 --replication-factor 3 --config min.insync.replicas=2 2>&1); then break; fi
  sleep 2
done
echo "$topic_out" | grep -q 'Created topic dc-imgtest' || { echo "FAIL: create topic: $topic_out" >&2; exit 1; }
t_topic=$(elapsed "$t0")
desc=$(tool "${P}3" kafka-topics --bootstrap-server "${P}3:9092" --describe --topic dc-imgtest)
echo "$desc"
echo "$desc" | grep -q 'ReplicationFactor: 3' && echo "$desc" | grep -q 'min.insync.replicas=2' \
  || { echo "FAIL: topic settings" >&2; exit 1; }
[ "$(echo "$desc" | grep -c 'Isr: [1-3],[1-3],[1-3]')" = 3 ] || { echo "FAIL: ISR not 3 on every partition" >&2; exit 1; }

logs1=$(docker logs "${P}1" 2>&1)   # (not piped into grep -q: pipefail + SIGPIPE)
grep -q '^     deskcluster_test-key.x=1$' <<<"$logs1" \
  || { echo "FAIL: env name mapping (KAFKA_DESKCLUSTER__TEST___KEY_X)" >&2; exit 1; }
grep -q '^     broker.rack=rack-1$' <<<"$logs1" || { echo "FAIL: broker.rack" >&2; exit 1; }
echo "env mapping: KAFKA_DESKCLUSTER__TEST___KEY_X -> deskcluster_test-key.x, KAFKA_BROKER_RACK -> broker.rack"

sleep 5
echo "kafka: quorum (leader + 3 voters) after ${t_quorum}s, topic rf=3/min.isr=2 created after ${t_topic}s"
echo "kafka: java RSS per node (KAFKA_HEAP_OPTS=$HEAP): $(for i in 1 2 3; do printf '%s ' "$(rss_mib "$P$i")MiB"; done)"
docker stats --no-stream --format 'kafka: docker stats {{.Name}} mem {{.MemUsage}} cpu {{.CPUPerc}}' "${P}1" "${P}2" "${P}3"

# restart on the formatted volume: the format step must tolerate it, the node must rejoin
t1=$(date +%s.%N)
docker restart "${P}3" >/dev/null
for _ in $(seq 1 60); do
  desc=$(tool "${P}1" kafka-topics --bootstrap-server "${P}1:9092" --describe --topic dc-imgtest 2>/dev/null || true)
  [ "$(echo "$desc" | grep -c 'Isr: [1-3],[1-3],[1-3]')" = 3 ] && break
  sleep 2
done
[ "$(echo "$desc" | grep -c 'Isr: [1-3],[1-3],[1-3]')" = 3 ] || { echo "FAIL: node 3 did not rejoin the ISR" >&2; exit 1; }
logs3=$(docker logs "${P}3" 2>&1); grep -m1 'already formatted\.'  <<<"$logs3" || true
echo "kafka: node 3 restarted and back in every ISR after $(elapsed "$t1")s"
echo "kafka smoke: OK"

#!/usr/bin/env bash
# deskcluster lab: prove deskcluster/cassandra:4.0.19 on a user-defined bridge network.
#   1. one node with a mounted, fully rendered cassandra.yaml (PasswordAuthenticator) selected by
#      JVM_EXTRA_OPTS=-Dcassandra.config=file:///etc/deskcluster/cassandra.yaml: nodetool UN,
#      cqlsh -u cassandra -p cassandra works; startup time and RSS with MAX_HEAP_SIZE=512M.
#   2. two nodes from the environment contract only (CASSANDRA_SEEDS, GossipingPropertyFileSnitch,
#      CASSANDRA_DC/RACK), joined one at a time: nodetool status shows both UN with their racks.
# Everything it starts is named dc-imgtest-cass* and removed on exit.
# usage: lab/images/cassandra/smoke.sh [single|ring|all]   (default all)
set -euo pipefail
IMAGE=${CASSANDRA_IMAGE:-deskcluster/cassandra:4.0.19}
WHAT=${1:-all}
P=dc-imgtest-cass
NET=$P-net
SUBNET=${DC_IMGTEST_SUBNET:-172.29.71.0/24}
NETPFX=${SUBNET%.*}
HEAP=(-e MAX_HEAP_SIZE=512M -e HEAP_NEWSIZE=128M)
TMP=$(mktemp -d /tmp/$P.XXXXXX)

cleanup() {
  for c in $(docker ps -aq --filter "name=^$P-"); do docker rm -f -v "$c" >/dev/null; done
  docker network rm "$NET" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
cleanup; TMP=$(mktemp -d /tmp/$P.XXXXXX)
docker network create --subnet "$SUBNET" --label deskcluster.imgtest=1 "$NET" >/dev/null

# wait_un CONTAINER IP TIMEOUT: until nodetool status on CONTAINER shows "UN  IP"
wait_un() {
  local c=$1 ip=$2 limit=$3 t0=$SECONDS
  local st
  while st=$(docker exec "$c" nodetool status 2>/dev/null || true); ! grep -qE "^UN +$ip " <<<"$st"; do
    if [ $((SECONDS - t0)) -ge "$limit" ] || [ "$(docker inspect -f '{{.State.Running}}' "$c")" != true ]; then
      echo "FAIL: $c not UN after $((SECONDS - t0))s" >&2; docker logs --tail 40 "$c" >&2; return 1
    fi
    sleep 2
  done
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
rss_mib() { docker exec "$1" ps -C java -o rss= | awk '{s+=$1} END {printf "%d", s/1024}'; }

single() {
  local c=$P-auth ip=$NETPFX.11 t0 t_un t_cql
  docker run --rm --entrypoint cat "$IMAGE" /etc/cassandra/cassandra.yaml >"$TMP/cassandra.yaml"
  # the "fully rendered" file the Pulumi program would mount
  sed -ri \
    -e "s/^cluster_name:.*/cluster_name: 'dc-imgtest'/" \
    -e "s/^authenticator:.*/authenticator: PasswordAuthenticator/" \
    -e "s/^authorizer:.*/authorizer: CassandraAuthorizer/" \
    -e "s/^listen_address:.*/listen_address: $ip/" \
    -e "s/^rpc_address:.*/rpc_address: 0.0.0.0/" \
    -e "s/^# broadcast_rpc_address:.*/broadcast_rpc_address: $ip/" \
    -e "s/(- seeds:).*/\1 \"$ip\"/" \
    -e "s/^endpoint_snitch:.*/endpoint_snitch: GossipingPropertyFileSnitch/" \
    "$TMP/cassandra.yaml"
  chmod 0644 "$TMP/cassandra.yaml"
  t0=$(date +%s.%N)
  docker run -d --name "$c" --hostname "$c" --network "$NET" --ip "$ip" "${HEAP[@]}" \
    -e CASSANDRA_DC=dc1 -e CASSANDRA_RACK=rack1 \
    -e JVM_EXTRA_OPTS="-Dcassandra.config=file:///etc/deskcluster/cassandra.yaml" \
    -v "$TMP/cassandra.yaml:/etc/deskcluster/cassandra.yaml:ro" "$IMAGE" >/dev/null
  wait_un "$c" "$ip" 300
  t_un=$(elapsed "$t0")
  # the default superuser is created a few seconds after startup (superuser_setup_delay_ms)
  local out=""
  for _ in $(seq 1 60); do
    if out=$(docker exec "$c" cqlsh -u cassandra -p cassandra "$ip" -e 'describe keyspaces' 2>&1); then break; fi
    sleep 2
  done
  t_cql=$(elapsed "$t0")
  echo "$out" | grep -q system_auth || { echo "FAIL: cqlsh with credentials: $out" >&2; return 1; }
  echo "$out" | tr -s ' \n' ' '; echo
  # the authenticator really is on: no credentials must be refused
  if docker exec "$c" cqlsh "$ip" -e 'describe keyspaces' >/dev/null 2>&1; then
    echo "FAIL: cqlsh without credentials was accepted" >&2; return 1
  fi
  docker logs "$c" 2>&1 | grep -m1 'deskcluster: cassandra.yaml from' || true
  sleep 5
  printf 'single: UN after %.1fs, CQL login after %.1fs, java RSS %s MiB (MAX_HEAP_SIZE=512M HEAP_NEWSIZE=128M)\n' \
    "$t_un" "$t_cql" "$(rss_mib "$c")"
  docker stats --no-stream --format 'single: docker stats {{.Name}} mem {{.MemUsage}}' "$c"
  docker rm -f -v "$c" >/dev/null
}

ring() {
  local a=$P-ring1 b=$P-ring2 ipa=$NETPFX.21 ipb=$NETPFX.22 t0 ta tb
  local common=(--network "$NET" "${HEAP[@]}" -e CASSANDRA_CLUSTER_NAME=dc-imgtest-ring
    -e CASSANDRA_ENDPOINT_SNITCH=GossipingPropertyFileSnitch -e CASSANDRA_DC=dc1
    -e CASSANDRA_NUM_TOKENS=16 -e "CASSANDRA_SEEDS=$ipa")
  t0=$SECONDS
  docker run -d --name "$a" --hostname "$a" --ip "$ipa" "${common[@]}" -e CASSANDRA_RACK=rack-a "$IMAGE" >/dev/null
  wait_un "$a" "$ipa" 300; ta=$((SECONDS - t0))
  # nodes join one at a time
  docker run -d --name "$b" --hostname "$b" --ip "$ipb" "${common[@]}" -e CASSANDRA_RACK=rack-b "$IMAGE" >/dev/null
  wait_un "$a" "$ipb" 400; tb=$((SECONDS - t0))
  local st; st=$(docker exec "$a" nodetool status)
  echo "$st"
  echo "$st" | grep -qE "^UN +$ipa .* rack-a\s*$" && echo "$st" | grep -qE "^UN +$ipb .* rack-b\s*$" \
    || { echo "FAIL: ring/racks not as expected" >&2; return 1; }
  echo "ring: node1 UN after ${ta}s, node2 joined (UN) after ${tb}s; RSS $(rss_mib "$a") / $(rss_mib "$b") MiB"
}

case $WHAT in
  single) single ;;
  ring) ring ;;
  all) single; ring ;;
  *) echo "usage: $0 [single|ring|all]" >&2; exit 2 ;;
esac
echo "cassandra smoke ($WHAT): OK"

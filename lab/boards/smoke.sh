#!/usr/bin/env bash
# deskcluster lab smoke test: boards up, Docker installed over SSH the way the Pulumi program
# does it (apt + systemctl), a 3-board swarm formed by hand, boards down, host left clean.
# usage: lab/boards/smoke.sh [--name LAB]   (prints timings; exits non-zero on any failure)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB=deskcluster-lab; [ "${1:-}" = --name ] && LAB=${2:?}
B="$HERE/boards.sh"; T0=$(date +%s%N)
t() { echo "[smoke $((($(date +%s%N) - T0) / 1000000))ms] $*"; }
trap 'bash "$B" down --name "$LAB" >/dev/null 2>&1 || true' EXIT # never leave a lab behind

bash "$B" up --name "$LAB"; t "up done"
eval "$(bash "$B" env --name "$LAB")"
on() { ssh -i "$DESKCLUSTER_LAB_SSH_KEY" -o UserKnownHostsFile="$DESKCLUSTER_LAB_KNOWN_HOSTS" \
  -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR "pi@$1" "$2"; }
install='sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/tmp/apt.log 2>&1 || { tail /tmp/apt.log; exit 1; }
  sudo systemctl enable --now docker 2>/dev/null && sudo docker info 2>&1'
info=$(on 172.30.77.11 "$install"); t "lab1: apt install docker.io + enable --now docker"
grep -q 'Storage Driver: overlay2' <<<"$info" || { echo "$info"; echo "FAIL: not overlay2" >&2; exit 1; }
if grep -q 'No memory limit support' <<<"$info"; then echo "FAIL: no memory cgroup" >&2; exit 1; fi
t "lab1: overlay2, memory cgroup ok"
for ip in 172.30.77.12 172.30.77.13; do on "$ip" "$install" >/dev/null & done; wait; t "lab2+lab3: docker installed (in parallel)"

tok=$(on 172.30.77.11 'sudo docker swarm init --advertise-addr 172.30.77.11 >/dev/null && sudo docker swarm join-token -q manager')
for ip in 172.30.77.12 172.30.77.13; do on "$ip" "sudo docker swarm join --token $tok 172.30.77.11:2377"; done
nodes=$(on 172.30.77.11 'sudo docker node ls'); echo "$nodes"
[ "$(grep -c Ready <<<"$nodes")" = 3 ] || { echo "FAIL: expected 3 ready nodes" >&2; exit 1; }
t "swarm of 3 formed"

trap - EXIT; bash "$B" down --name "$LAB"; t "down done"
left=$(docker ps -aq --filter "label=deskcluster.lab=$LAB"; docker volume ls -q --filter "label=deskcluster.lab=$LAB"
  docker network ls -q --filter "label=deskcluster.lab=$LAB")
[ -z "$left" ] || { echo "FAIL: left behind: $left" >&2; exit 1; }
docker ps >/dev/null && docker run --rm --network none deskcluster/base:bookworm true
t "nothing labelled deskcluster.lab=$LAB remains; host docker ps and run work"

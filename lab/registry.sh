#!/usr/bin/env bash
# The lab registry: up (start on the lab network at .2, published on host loopback only),
# push IMAGE... (tag to 127.0.0.1:5000, push, untag), down. Its storage is a cache folder,
# so pushed layers survive from one lab to the next.
# usage: lab/registry.sh up|down [--name LAB] | push IMAGE...
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/images/common.sh"
CMD=${1:?usage: lab/registry.sh up|down|push}; shift
LAB=deskcluster-lab
if [ "${1:-}" = --name ]; then LAB=$2; shift 2; fi
CACHE=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}
NAME=$LAB-registry
ADDRESS=172.30.77.2 # must match registryMirror in stacks/lab.yaml

case $CMD in
  up)
    build_image deskcluster/lab-registry:2 "$HERE/registry"
    if [ "$(docker inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" != true ]; then
      docker rm -f "$NAME" >/dev/null 2>&1 || true
      mkdir -p "$CACHE/lab-registry"
      docker run -d --name "$NAME" --label deskcluster.lab="$LAB" --restart unless-stopped \
        --network "$LAB" --ip "$ADDRESS" -p 127.0.0.1:5000:5000 \
        -v "$CACHE/lab-registry:/var/lib/docker-registry" deskcluster/lab-registry:2 >/dev/null
    fi
    for i in $(seq 1 30); do curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && { echo "registry: $NAME ready at $ADDRESS:5000"; exit 0; }; sleep 1; done
    echo "registry: $NAME did not answer on 127.0.0.1:5000" >&2; docker logs --tail 20 "$NAME" >&2; exit 1 ;;
  push)
    for image in "$@"; do
      s=$SECONDS
      docker tag "$image" "127.0.0.1:5000/$image"
      docker push -q "127.0.0.1:5000/$image" >/dev/null
      docker rmi "127.0.0.1:5000/$image" >/dev/null
      echo "registry: $image pushed in $((SECONDS - s))s"
    done ;;
  down)
    docker rm -f "$NAME" >/dev/null 2>&1 || true; echo "registry: $NAME removed" ;;
  *) echo "usage: lab/registry.sh up|down|push" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Publishes the health images to a desk's registry as multi-architecture images, so every
# board pulls REGISTRY/deskcluster/health-{agent,sink}:VERSION for its own architecture.
# Builds what is missing first (amd64 and arm64). Point the inventory's images (or its
# registryMirror) at that registry.
# usage: health/image/publish.sh REGISTRY [VERSION]      e.g. 192.168.50.2:5000 0.1.0
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REGISTRY=${1:?usage: health/image/publish.sh REGISTRY [VERSION]}; VER=${2:-0.1.0}
HOST_ARCH=$(dpkg --print-architecture)
bash "$HERE/build.sh" --arch amd64 --arch arm64 "$VER"
# The registry may be plain HTTP on the desk's own network (as the lab's is).
INSECURE=(--insecure)
for role in agent sink; do
  list=()
  for arch in amd64 arm64; do
    local_tag=deskcluster/health-$role:$VER; [ "$arch" = "$HOST_ARCH" ] || local_tag=$local_tag-$arch
    remote=$REGISTRY/deskcluster/health-$role:$VER-$arch
    docker tag "$local_tag" "$remote"
    docker push -q "$remote" >/dev/null
    docker rmi "$remote" >/dev/null
    list+=("$remote")
  done
  docker manifest rm "$REGISTRY/deskcluster/health-$role:$VER" >/dev/null 2>&1 || true
  docker manifest create "${INSECURE[@]}" "$REGISTRY/deskcluster/health-$role:$VER" "${list[@]}" >/dev/null
  for arch in amd64 arm64; do
    docker manifest annotate --os linux --arch "$arch" "$REGISTRY/deskcluster/health-$role:$VER" "$REGISTRY/deskcluster/health-$role:$VER-$arch"
  done
  docker manifest push "${INSECURE[@]}" --purge "$REGISTRY/deskcluster/health-$role:$VER" >/dev/null
  echo "published $REGISTRY/deskcluster/health-$role:$VER (linux/amd64, linux/arm64)"
done

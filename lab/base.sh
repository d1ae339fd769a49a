#!/usr/bin/env bash
# deskcluster lab: build the minimal Debian base image deskcluster/base:SUITE.
# No registry can be pulled from here, so every image starts from debootstrap piped into
# `docker import`. The image gets the host's apt sources (suite names rewritten to SUITE)
# and its Check-Valid-Until/Check-Date settings: the mirror is a dated snapshot.
# Skips the build when the image already carries this script's hash. Idempotent.
# Another architecture (arm64 for real Pis) gets debootstrap's first stage only: the required
# packages unpacked, not configured, since nothing of that architecture can run here. That
# is enough for images whose build runs nothing (the health image); it is tagged SUITE-ARCH.
# usage: lab/base.sh bookworm|bullseye [ARCH]
set -euo pipefail
SUITE=${1:?usage: lab/base.sh bookworm|bullseye [ARCH]}
case $SUITE in bookworm|bullseye) ;; *) echo "base: unknown suite $SUITE" >&2; exit 2 ;; esac
HOST_ARCH=$(dpkg --print-architecture)
ARCH=${2:-$HOST_ARCH}
case $ARCH in amd64|arm64) ;; *) echo "base: unknown architecture $ARCH" >&2; exit 2 ;; esac
IMAGE=deskcluster/base:$SUITE; FOREIGN=()
if [ "$ARCH" != "$HOST_ARCH" ]; then IMAGE=deskcluster/base:$SUITE-$ARCH; FOREIGN=(--foreign "--arch=$ARCH"); fi
HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
T0=$SECONDS

if [ "$(docker image inspect -f '{{index .Config.Labels "deskcluster.base.hash"}}' "$IMAGE" 2>/dev/null)" = "$HASH" ]; then
  echo "base: $IMAGE up to date (hash $HASH)"; exit 0
fi

if ! command -v debootstrap >/dev/null; then
  echo "base: installing debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# The host's own Debian mirror (whatever its sources say), so no host name lives in this file.
. /etc/os-release; HOST_SUITE=$VERSION_CODENAME
mirror() { apt-get indextargets --format '$(RELEASE) $(REPO_URI)' | awk -v s="$HOST_SUITE" '$1==s {print $2; exit}'; }
MIRROR=$(mirror); [ -n "$MIRROR" ] || { apt-get update -qq; MIRROR=$(mirror); }
[ -n "$MIRROR" ] || { echo "base: no $HOST_SUITE mirror in the host's apt sources" >&2; exit 1; }

TMP=$(mktemp -d /var/tmp/deskcluster-base.XXXXXX); ROOT=$TMP/rootfs
# debootstrap mounts proc/sys inside the target; never delete through a leftover mount.
# Unmount only mounts that really lie under the target: a foreign first stage leaves
# `proc -> /proc`, and `umount -R "$ROOT/proc"` would follow it and strip the HOST's /proc
# submounts (binfmt_misc, and with it arm64 emulation).
unmount_target() { awk -v r="$ROOT/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r umount 2>/dev/null || true; }
trap 'unmount_target; rm -rf --one-file-system "$TMP"' EXIT

echo "base: debootstrap $SUITE $ARCH (minbase${FOREIGN:+, first stage only})"
debootstrap "${FOREIGN[@]}" --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$TMP/debootstrap.log" 2>&1 \
  || { tail -20 "$TMP/debootstrap.log" >&2; exit 1; }
if [ "$ARCH" != "$HOST_ARCH" ]; then
  rm -rf "$ROOT/debootstrap" "$ROOT"/var/cache/apt/archives/*.deb
  [ ! -L "$ROOT/proc" ] || { rm "$ROOT/proc"; mkdir -m 0555 "$ROOT/proc"; } # first stage's proc -> /proc
fi
echo "base: debootstrap done in $((SECONDS - T0))s"

# Host apt sources, with the host's suite names (bookworm, bookworm-updates, ...) -> SUITE
rm -f "$ROOT/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  sed "s/\b$HOST_SUITE\b/$SUITE/g" "$f" >"$ROOT$f"
done
grep -hsE '^\s*Acquire::Check-(Valid-Until|Date)' /etc/apt/apt.conf.d/* \
  >"$ROOT/etc/apt/apt.conf.d/99deskcluster-snapshot" || true
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*

echo "base: importing $IMAGE"
tar -C "$ROOT" --numeric-owner --xattrs -cf - . | docker import --platform "linux/$ARCH" \
  --change "LABEL deskcluster.base.hash=$HASH deskcluster.base.suite=$SUITE deskcluster.base.arch=$ARCH" \
  --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
echo "base: $IMAGE built in $((SECONDS - T0))s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | numfmt --to=iec))"

#!/usr/bin/env bash
# deskcluster lab: make sure a Docker engine runs on this host (no systemd here).
# Installs Debian's docker.io if dockerd is missing, starts dockerd in the background
# if `docker info` fails, and waits until it answers. Idempotent.
set -euo pipefail
LOG=${DESKCLUSTER_DOCKERD_LOG:-/var/log/deskcluster-lab-dockerd.log}

if docker info >/dev/null 2>&1; then
  echo "engine: running ($(docker info --format '{{.ServerVersion}} {{.Driver}}' 2>/dev/null))"
  exit 0
fi

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
if ! command -v dockerd >/dev/null 2>&1; then
  echo "engine: installing docker.io (Debian package)"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  # containerd is started by dockerd itself when no system containerd runs
  echo "engine: starting dockerd (log: $LOG)"
  $SUDO sh -c "nohup dockerd >>'$LOG' 2>&1 &"
fi

for i in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "engine: ready after ${i}s ($(docker info --format '{{.ServerVersion}} {{.Driver}}'))"
    exit 0
  fi
  sleep 1
done
echo "engine: dockerd did not answer within 60s; see $LOG" >&2
tail -20 "$LOG" >&2 || true
exit 1

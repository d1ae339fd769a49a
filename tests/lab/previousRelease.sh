#!/usr/bin/env bash
# The lab as the previous release left it: deskcluster 0.1 (every resource a dynamic resource,
# its provider's code in state) unpacked from git into the cache and its own main command run,
# on the same lab stack and state. The lab tests then upgrade it to this checkout.
# Usage: tests/lab/previousRelease.sh [--inventory] [COMMIT]   (idempotent; the tree is kept in the cache)
#   --inventory: only print the path of the previous release's lab inventory (the upgrade keeps it)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ONLY_INVENTORY=0; [ "${1:-}" != --inventory ] || { ONLY_INVENTORY=1; shift; }
# The last commit with dynamic providers (0.1); the upgrade test's starting point.
COMMIT=${1:-9c7d06fe93111282114f8a276284279a97d5ca87}
CACHE=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}
TREE=$CACHE/releases/$COMMIT
cd "$ROOT"
if ! git cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
  echo "previous release $COMMIT is not in this clone's history (a shallow clone?): git fetch --unshallow" >&2
  exit 2
fi
if [ ! -f "$TREE/.unpacked" ]; then
  rm -rf "$TREE" && mkdir -p "$TREE"
  git archive "$COMMIT" | tar -x -C "$TREE"
  touch "$TREE/.unpacked"
fi
[ "$ONLY_INVENTORY" = 0 ] || { echo "$TREE/stacks/lab.yaml"; exit 0; }
# Same lock file: the same packages, so the tree shares this checkout's node_modules.
if cmp -s package-lock.json "$TREE/package-lock.json"; then
  [ -e "$TREE/node_modules" ] || ln -s "$ROOT/node_modules" "$TREE/node_modules"
else
  (cd "$TREE" && npm ci --no-audit --no-fund --prefer-offline)
fi
echo "== previous release $COMMIT: its own lab/up.sh"
exec bash "$TREE/lab/up.sh"

#!/usr/bin/env bash
# npm packages exactly as locked, installed only when the lock file changed (npm's own
# cache lives outside the repository). --ignore-scripts: no package may download anything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lock=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.deskcluster-lock 2>/dev/null)" != "$lock" ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock" >node_modules/.deskcluster-lock
else
  echo "npm: node_modules matches package-lock.json"
fi

#!/usr/bin/env bash
# Builds deskcluster/health-agent and deskcluster/health-sink from this repository's source:
# compiles it, stages the compiled health/ folder with the production dependencies it needs
# (exact versions from node_modules, installed from package-lock.json), and builds both stages.
# Rebuilt only when the staged context changes (lab/images/common.sh build_image).
# usage: health/image/build.sh [VERSION]   (default: the version in stacks/lab.yaml's images)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/lab/images/common.sh"
VER=${1:-0.1.0}
CTX=$DC_CACHE/images/health-$VER/context
T0=$SECONDS

ensure_base bookworm
(cd "$ROOT" && npx --no-install tsc -p tsconfig.json)
stage_dir "$CTX/app/health"
cp "$ROOT"/bin/health/*.js "$CTX/app/health/"
# The dependency closure of what the health code requires, copied as installed.
(cd "$ROOT" && node -e '
  const fs = require("fs"), path = require("path");
  const out = process.argv[1], seen = new Set();
  const visit = (name, from) => {
    // node resolution by hand: some packages do not export their package.json
    let dir = from;
    while (!fs.existsSync(path.join(dir, "node_modules", name, "package.json"))) {
      if (path.dirname(dir) === dir) throw new Error(`${name} (needed by ${from}) is not installed`);
      dir = path.dirname(dir);
    }
    dir = path.join(dir, "node_modules", name);
    const pj = path.join(dir, "package.json");
    if (seen.has(dir)) return; seen.add(dir);
    const rel = path.relative(process.cwd(), dir);
    fs.cpSync(dir, path.join(out, rel), { recursive: true, filter: (s) => !/\/(test|tests|docs?|\.github)$/.test(s) });
    for (const d of Object.keys(require(pj).dependencies ?? {})) visit(d, dir);
  };
  for (const d of ["kafkajs", "cassandra-driver", "zod"]) visit(d, process.cwd());
  console.log(`health image: ${seen.size} packages staged`);
' "$CTX/app")
printf '{ "private": true, "name": "deskcluster-health", "version": "%s" }\n' "$VER" >"$CTX/app/package.json"
cp "$HERE/Dockerfile" "$CTX/"
find "$CTX" -exec touch -d @0 {} + ; find "$CTX" -type f -exec chmod go-w {} +

build_image "deskcluster/health-agent:$VER" "$CTX" agent
build_image "deskcluster/health-sink:$VER" "$CTX" sink
echo "health: done in $((SECONDS - T0))s"

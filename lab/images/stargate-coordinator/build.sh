#!/usr/bin/env bash
# deskcluster lab: build deskcluster/stargate-coordinator:v2.0.31 (Stargate v2 coordinator for
# Cassandra 4.0) offline, with the official image's layout and environment contract (starctl).
#
# Inputs, first found wins:
#   1. the official release asset stargate-jars.zip (starctl + stargate-lib/), placed by hand at
#      $DESKCLUSTER_CACHE/stargate/v<version>/stargate-jars.zip (or STARGATE_JARS_ZIP=path);
#   2. the coordinator bundles from Maven Central, as listed in pom.xml here.
# BLOCKER (checked 2026-11): Maven Central has no io.stargate coordinator bundle at any version
# (core, persistence-api, persistence-cassandra-4.0, bridge, cql, authnz, auth-api, ...: "no
# versions"); only io.stargate.starter:stargate-starter:2.0.4 and parent POMs up to 2.0.22.
# Without input 1 this script stops with exit code 3 and names every missing artifact.
# Idempotent: the image is rebuilt only when the context's hash changes (common.sh build_image).
# usage: build.sh [VERSION]   (default 2.0.31; env STARGATE_VERSION, STARGATE_COORDINATOR_IMAGE)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../common.sh"

VER=${1:-${STARGATE_VERSION:-2.0.31}}; VER=${VER#v}
TAG=${STARGATE_COORDINATOR_IMAGE:-deskcluster/stargate-coordinator:v$VER}
ZIP=${STARGATE_JARS_ZIP:-$DC_CACHE/stargate/v$VER/stargate-jars.zip}
WORK=$DC_CACHE/images/stargate-coordinator-v$VER
DIST=$WORK/dist
CTX=$WORK/context
T0=$SECONDS

ensure_base bullseye
stage_dir "$DIST"

if [ -f "$ZIP" ]; then
  echo "stargate-coordinator: input $ZIP (sha256 $(sha256sum "$ZIP" | cut -c1-64))"
  (cd "$DIST" && unzip -q "$ZIP" 'stargate-lib/*')
else
  t=$SECONDS
  out=$(dc_mvn -f "$HERE/pom.xml" -Dstargate.version="$VER" \
          org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
          -DexcludeTransitive=true -DoutputDirectory="$DIST/stargate-lib" 2>&1) || {
    missing=$(grep -o 'could not be resolved: .*' <<<"$out" | head -n 1 \
      | sed 's/^could not be resolved: //; s/: Could not find artifact.*//; s/: io\.stargate[^ ]* was not found.*//' \
      | tr ',' '\n' | sed 's/^ */    /')
    {
      echo "stargate-coordinator: BLOCKED, no input for Stargate v$VER (checked in $((SECONDS - t))s)"
      echo "  - no release asset at $ZIP"
      echo "  - Maven Central lacks the coordinator bundles:"
      if [ -n "$missing" ]; then echo "$missing"; else tail -5 <<<"$out"; fi
    } >&2
    exit 3
  }
  echo "stargate-coordinator: bundles from Maven Central in $((SECONDS - t))s"
fi

# Context: like the official coordinator-4_0 stage, every bundle except the persistence ones,
# then persistence-api and persistence-cassandra-4.0 only.
stage_dir "$CTX/stargate-lib"
cp "$HERE/Dockerfile" "$HERE/starctl" "$CTX/"
find "$DIST/stargate-lib" -maxdepth 1 -type f -name '*.jar' ! -name 'persistence-*' -exec cp {} "$CTX/stargate-lib/" \;
cp "$DIST"/stargate-lib/persistence-api*.jar "$DIST"/stargate-lib/persistence-cassandra-4.0*.jar "$CTX/stargate-lib/"
ls "$CTX"/stargate-lib/stargate-starter*.jar >/dev/null 2>&1 \
  || { echo "stargate-coordinator: no stargate-starter*.jar in the input" >&2; exit 1; }
find "$CTX" -type f -exec chmod 0644 {} + ; chmod 0755 "$CTX/starctl"

build_image "$TAG" "$CTX"
echo "stargate-coordinator: done in $((SECONDS - T0))s"

#!/usr/bin/env bash
# deskcluster lab: build deskcluster/stargate-graphqlapi:v2.0.31 (Stargate v2 GraphQL API, a
# Quarkus application talking to the coordinator's gRPC bridge) offline.
#
# Input, first found wins, all placed by hand under $DESKCLUSTER_CACHE/stargate/v<version>/:
#   1. STARGATE_GRAPHQLAPI_JAR=path, or sgv2-graphqlapi-<version>-runner.jar (Quarkus uber-jar);
#   2. stargate-graphqlapi.zip, the official release asset (runner jar + start script).
# BLOCKER (checked 2026-11): the API is not on Maven Central in any form. Stargate deploys only
# io.stargate:sgv2-quarkus-common (a library, up to 2.0.16 on the 2.0 line) from apis/;
# io.stargate:sgv2-graphqlapi has no version at all, and a runnable Quarkus build exists only as
# the release asset and inside the official image. Without an input this script checks Maven
# once more and stops with exit code 3.
# Idempotent: the image is rebuilt only when the context's hash changes (common.sh build_image).
# usage: build.sh [VERSION]   (default 2.0.31; env STARGATE_VERSION, STARGATE_GRAPHQLAPI_IMAGE)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../common.sh"

VER=${1:-${STARGATE_VERSION:-2.0.31}}; VER=${VER#v}
TAG=${STARGATE_GRAPHQLAPI_IMAGE:-deskcluster/stargate-graphqlapi:v$VER}
IN=$DC_CACHE/stargate/v$VER
JAR=${STARGATE_GRAPHQLAPI_JAR:-$IN/sgv2-graphqlapi-$VER-runner.jar}
ZIP=$IN/stargate-graphqlapi.zip
WORK=$DC_CACHE/images/stargate-graphqlapi-v$VER
CTX=$WORK/context
T0=$SECONDS

ensure_base bookworm
stage_dir "$CTX/deployments"

if [ -f "$JAR" ]; then
  echo "stargate-graphqlapi: input $JAR"
  cp "$JAR" "$CTX/deployments/app.jar"
elif [ -f "$ZIP" ]; then
  echo "stargate-graphqlapi: input $ZIP"
  unzip -q -j -o "$ZIP" "sgv2-graphqlapi-*-runner.jar" -d "$WORK/unzip"
  mv "$WORK"/unzip/sgv2-graphqlapi-*-runner.jar "$CTX/deployments/app.jar"; rm -rf "$WORK/unzip"
else
  t=$SECONDS
  coord=io.stargate:sgv2-graphqlapi:$VER
  if dc_mvn org.apache.maven.plugins:maven-dependency-plugin:3.6.1:get -Dartifact="$coord" -Dtransitive=false >/dev/null 2>&1; then
    answer="$coord exists, but as the module's plain jar: a Quarkus app needs its build output (runner jar)"
  else
    answer="$coord: not found"
  fi
  {
    echo "stargate-graphqlapi: BLOCKED, no runnable GraphQL API for Stargate v$VER (checked in $((SECONDS - t))s)"
    echo "  - no runner jar at $JAR, no release asset at $ZIP"
    echo "  - Maven Central: $answer"
  } >&2
  exit 3
fi

cp "$HERE/Dockerfile" "$HERE/entrypoint.sh" "$CTX/"
find "$CTX" -type f -exec chmod 0644 {} + ; chmod 0755 "$CTX/entrypoint.sh"

build_image "$TAG" "$CTX"
echo "stargate-graphqlapi: done in $((SECONDS - T0))s"

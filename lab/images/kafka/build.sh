#!/usr/bin/env bash
# deskcluster lab: build deskcluster/kafka:3.9.1 offline from Maven Central jars.
#
# Kafka's binary distribution is not on Maven Central, so pom.xml here resolves
# org.apache.kafka:kafka_2.13:3.9.1 + kafka-tools/-storage/-metadata (+ reload4j) with their
# runtime dependencies, and this directory supplies the launcher (kafka-run-class.sh,
# kafka-server-start.sh, tool wrappers from tools.txt) and the apache/kafka-style entrypoint.
# Every jar is checked against artifacts.sha256 (Maven also runs with strict checksums).
# Idempotent: the fetch is skipped when the staged jars match, the build when the image
# carries the context's hash (lab/images/common.sh build_image).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../common.sh"

TAG=${KAFKA_IMAGE:-deskcluster/kafka:3.9.1}
WORK=$DC_CACHE/images/kafka-3.9.1
DIST=$WORK/dist
CTX=$WORK/context
T0=$SECONDS

ensure_base bookworm

fetch_libs() {
  dc_mvn -f "$HERE/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$DIST/libs"
}
fetch_verified kafka "$HERE/artifacts.sha256" "$DIST" fetch_libs

stage_dir "$CTX"
cp "$HERE"/{Dockerfile,docker-entrypoint.sh,kafka-run-class.sh,kafka-server-start.sh,tools.txt} "$CTX/"
cp "$HERE"/{server.properties,log4j.properties,tools-log4j.properties} "$CTX/"
cp -r "$DIST/libs" "$CTX/libs"
find "$CTX" -type f -exec chmod go-w {} +
chmod 0755 "$CTX"/{docker-entrypoint.sh,kafka-run-class.sh,kafka-server-start.sh}

build_image "$TAG" "$CTX"
echo "kafka: done in $((SECONDS - T0))s"

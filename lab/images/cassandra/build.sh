#!/usr/bin/env bash
# deskcluster lab: build deskcluster/cassandra:4.0.19 offline from registry artifacts.
#
# Maven Central carries no apache-cassandra 4.0.19 binary tarball (the artifact
# org.apache.cassandra:apache-cassandra stops at 4.0-alpha2), so the image is assembled from:
#   - org.apache.cassandra:cassandra-all:4.0.19 and its runtime dependencies (pom.xml here),
#   - org.apache.cassandra:apache-cassandra:4.0-alpha2:tar.gz:bin for bin/ and conf/ only,
#   - cqlsh 6.0.0 from PyPI (the 4.0 cqlsh), with Debian's python3-cassandra driver.
# Every fetched file is checked against artifacts.sha256 (Maven also runs with strict checksums).
# Idempotent: the fetch is skipped when the staged files match, the build when the image
# carries the context's hash (lab/images/common.sh build_image).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/../common.sh"

TAG=${CASSANDRA_IMAGE:-deskcluster/cassandra:4.0.19}
SCAFFOLD=org.apache.cassandra:apache-cassandra:4.0-alpha2:tar.gz:bin
CQLSH=cqlsh==6.0.0
WORK=$DC_CACHE/images/cassandra-4.0.19
DIST=$WORK/dist
CTX=$WORK/context
T0=$SECONDS

ensure_base bullseye

fetch_artifacts() {
  dc_mvn org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="$SCAFFOLD" -DoutputDirectory="$DIST" -Dmdep.overWriteReleases=true
  dc_mvn -f "$HERE/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$DIST/lib"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$DIST" "$CQLSH"
}
fetch_verified cassandra "$HERE/artifacts.sha256" "$DIST" fetch_artifacts

# Build context: this directory's image files + the verified artifacts (cqlsh wheel unpacked)
stage_dir "$CTX"
cp "$HERE/Dockerfile" "$HERE/docker-entrypoint.sh" "$CTX/"
cp "$DIST"/apache-cassandra-*-bin.tar.gz "$CTX/"
cp -r "$DIST/lib" "$CTX/lib"
mkdir -p "$CTX/cqlsh"
python3 - "$DIST"/cqlsh-6.0.0-py3-none-any.whl "$CTX/cqlsh" <<'PY'
import sys, zipfile, os
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n.startswith('cqlshlib/'):
            z.extract(n, out)
        elif n.endswith('.data/scripts/cqlsh'):
            with open(os.path.join(out, 'cqlsh'), 'wb') as f:
                f.write(z.read(n))
PY
# fixed mtimes/modes so the context hash depends on content only
find "$CTX" -type f -exec chmod go-w {} + ; chmod 0755 "$CTX/docker-entrypoint.sh"

build_image "$TAG" "$CTX"
echo "cassandra: done in $((SECONDS - T0))s"

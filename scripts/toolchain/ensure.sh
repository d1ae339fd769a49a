#!/usr/bin/env bash
# Provide the pinned Pulumi toolchain: pulumi, pulumi-language-nodejs,
# pulumi-analyzer-policy and pulumi-resource-pulumi-nodejs in one bin folder.
# Uses DESKCLUSTER_PULUMI (a pulumi binary) or a `pulumi` on PATH when its
# version is at least the pinned one; otherwise compiles from the Go modules.
# Cached under $DESKCLUSTER_CACHE/toolchain/pulumi-v<version>, keyed by version.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$HERE/versions.env"
CACHE=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}
ROOT=$CACHE/toolchain/pulumi-v$PULUMI_VERSION
BIN=$ROOT/bin
SELECTED=$CACHE/toolchain/selected-bin
mkdir -p "$CACHE/toolchain"

fail() { echo "toolchain: FAILED at step '$1': $2" >&2; exit 1; }
now() { date +%s; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

use_existing() {
  local cli=$1 dir ver
  dir=$(cd "$(dirname "$(readlink -f "$cli")")" && pwd)
  ver=$("$cli" version 2>/dev/null | tr -d 'v\r' | head -1) || return 1
  version_ge "$ver" "$PULUMI_VERSION" || { echo "toolchain: ignoring $cli (v$ver < v$PULUMI_VERSION)"; return 1; }
  [ -x "$dir/pulumi-language-nodejs" ] || { echo "toolchain: ignoring $cli (no pulumi-language-nodejs beside it)"; return 1; }
  echo "toolchain: using existing $cli (v$ver)"
  echo "$dir" >"$SELECTED"
}

if [ -n "${DESKCLUSTER_PULUMI:-}" ]; then
  use_existing "$DESKCLUSTER_PULUMI" && exit 0
  fail "existing pulumi" "DESKCLUSTER_PULUMI=$DESKCLUSTER_PULUMI is not usable (see above)"
fi
if [ -f "$ROOT/.complete" ]; then
  echo "toolchain: cached pulumi v$PULUMI_VERSION in $BIN"
  echo "$BIN" >"$SELECTED"; exit 0
fi
if command -v pulumi >/dev/null 2>&1 && use_existing "$(command -v pulumi)"; then exit 0; fi

command -v go >/dev/null 2>&1 || fail "go" "no Go toolchain on PATH; install Go >= 1.21 or point DESKCLUSTER_PULUMI at a pulumi binary"
SRC=$ROOT/src
mkdir -p "$SRC" "$BIN"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
cd "$SRC"
if [ ! -f go.mod ]; then
  cat >go.mod <<MOD
module deskcluster.local/toolchain

go 1.18

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)
MOD
  for r in $PULUMI_GO_REPLACES; do go mod edit -replace "$r"; done
fi

build() { # name, package, version variable
  local name=$1 pkg=$2 var=$3 t0
  if [ -x "$BIN/$name" ]; then echo "toolchain: $name already built"; return; fi
  echo "toolchain: compiling $name from $pkg@v$PULUMI_VERSION (cold: about 3 min on 2 cores, measured 170-213 s)"
  t0=$(now)
  go build -trimpath -ldflags "-s -w -X $var=v$PULUMI_VERSION" -o "$BIN/$name.tmp" "$pkg" \
    >"$ROOT/$name.build.log" 2>&1 || { tail -30 "$ROOT/$name.build.log" >&2; fail "compile $name" "go build failed (full log: $ROOT/$name.build.log)"; }
  mv "$BIN/$name.tmp" "$BIN/$name"
  echo "toolchain: $name built in $(( $(now) - t0 ))s"
}
build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi github.com/pulumi/pulumi/pkg/v3/version.Version
build pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

# The policy analyzer and dynamic provider shims are the SDK's own scripts (nodejs/dist).
SDKDIR=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3) || fail "sdk scripts" "cannot locate sdk/v3 module"
for s in pulumi-analyzer-policy pulumi-resource-pulumi-nodejs; do
  install -m 0755 "$SDKDIR/nodejs/dist/$s" "$BIN/$s" || fail "sdk scripts" "missing $s in sdk/v3@v$PULUMI_VERSION"
done
"$BIN/pulumi" version >/dev/null || fail "smoke test" "$BIN/pulumi does not run"
touch "$ROOT/.complete"
echo "$BIN" >"$SELECTED"
echo "toolchain: ready in $BIN ($("$BIN/pulumi" version))"

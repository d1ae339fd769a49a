# shellcheck shell=bash
# deskcluster lab: shared helpers for the image build scripts (source this file, bash).
#
#   build_image TAG CONTEXT_DIR [TARGET]
#                                 build CONTEXT_DIR (its stage TARGET) as TAG unless TAG already
#                                 exists with the label deskcluster.inputs=<sha256 of the context's files>;
#                                 prints "image TAG: cached" or "image TAG: built in Ns".
#   context_hash DIR              that sha256 (relative path, exec bit and content of every file)
#   ensure_base SUITE             make sure deskcluster/base:SUITE exists (lab/base.sh builds it)
#   dc_mvn ARGS...                Maven, batch mode, strict checksums, the lab's local repository
#   verify_sha256 MANIFEST DIR    check DIR's files against a "sha256  relative/path" manifest
#   fetch_verified NAME MANIFEST DIR FETCH...
#                                 keep DIR when it matches MANIFEST exactly; otherwise empty it,
#                                 run FETCH... (a command filling DIR) and require that exact match
#   stage_dir DIR                 (re)create an empty directory
#
# Nothing here names a registry host: Maven, pip and apt use their ordinary configuration.

DC_IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DC_LAB_DIR=$(cd "$DC_IMAGES_DIR/.." && pwd)
DC_CACHE=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}
DC_M2=${DESKCLUSTER_M2:-$DC_CACHE/m2}

# progress line on stderr
dc_log() { echo "$*" >&2; }

context_hash() {
  local dir=$1
  (
    cd "$dir" || exit 1
    find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
      local x=-; [ -x "$f" ] && x=x
      printf '%s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$x" "$f"
    done
  ) | sha256sum | cut -d' ' -f1
}

build_image() {
  local tag=${1:?usage: build_image TAG CONTEXT_DIR [TARGET]} ctx=${2:?usage: build_image TAG CONTEXT_DIR [TARGET]}
  local target=${3:-} t0=$SECONDS hash have log
  hash=$(context_hash "$ctx") || return 1
  have=$(docker image inspect -f '{{index .Config.Labels "deskcluster.inputs"}}' "$tag" 2>/dev/null || true)
  if [ "$have" = "$hash" ]; then
    echo "image $tag: cached"
    return 0
  fi
  log=$(mktemp /tmp/deskcluster-build.XXXXXX)
  if ! docker build --label "deskcluster.inputs=$hash" ${target:+--target "$target"} -t "$tag" "$ctx" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "image $tag: build FAILED after $((SECONDS - t0))s (full log: $log)" >&2
    return 1
  fi
  rm -f "$log"
  echo "image $tag: built in $((SECONDS - t0))s ($(docker image inspect -f '{{.Size}}' "$tag" | numfmt --to=iec))"
}

ensure_base() {
  local suite=${1:?usage: ensure_base SUITE}
  if ! docker image inspect "deskcluster/base:$suite" >/dev/null 2>&1; then
    bash "$DC_LAB_DIR/base.sh" "$suite"
  fi
}

dc_mvn() {
  command -v mvn >/dev/null 2>&1 || {
    dc_log "installing maven (Debian package)"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq maven >/dev/null
  }
  mkdir -p "$DC_M2"
  local log rc=0
  log=$(mktemp /tmp/deskcluster-mvn.XXXXXX)
  mvn -B -q -C -Dstyle.color=never -Dmaven.repo.local="$DC_M2" "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -v '^\s*$' | tail -30 >&2
    echo "maven failed (exit $rc; log: $log)" >&2
    return "$rc"
  fi
  rm -f "$log"
}

verify_sha256() {
  local manifest=${1:?} dir=${2:?}
  (cd "$dir" && sha256sum --quiet --strict -c "$manifest")
}

# DIR holds exactly the manifest's files, each with its checksum (nothing missing, nothing extra).
dist_matches() {
  local manifest=$1 dist=$2 extra
  [ -d "$dist" ] && verify_sha256 "$manifest" "$dist" 2>/dev/null || return 1
  extra=$(cd "$dist" && find . -type f | sed 's#^\./##' | sort | comm -23 - <(awk '{print $2}' "$manifest" | sort))
  [ -z "$extra" ] || { echo "unexpected files not in $(basename "$manifest"): $extra" >&2; return 1; }
}

fetch_verified() {
  local name=${1:?} manifest=${2:?} dist=${3:?} t0=$SECONDS; shift 3
  if dist_matches "$manifest" "$dist" 2>/dev/null; then
    echo "$name: artifacts verified ($(wc -l <"$manifest") files)"; return 0
  fi
  stage_dir "$dist"
  "$@" || return 1
  verify_sha256 "$manifest" "$dist" || return 1
  dist_matches "$manifest" "$dist" || { echo "$name: fetched artifacts do not match $manifest" >&2; return 1; }
  echo "$name: artifacts fetched and verified in $((SECONDS - t0))s"
}

stage_dir() { rm -rf "${1:?}" && mkdir -p "$1"; }

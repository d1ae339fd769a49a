#!/usr/bin/env bash
# Real `pulumi preview` of a stack with the policy pack; extra args go to pulumi
# (for example --json, --config-file FILE, --expect-no-changes). Needs no board.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK=${1:?usage: scripts/preview.sh STACK [pulumi args...]}; shift
bash "$ROOT/scripts/toolchain/ensure.sh" >&2
# shellcheck source=toolchain/env.sh
. "$ROOT/scripts/toolchain/env.sh"
cd "$ROOT"
[ -n "${DESKCLUSTER_SKIP_BUILD:-}" ] || npx --no-install tsc -p tsconfig.json >&2
# shellcheck source=stackEnv.sh
. "$ROOT/scripts/stackEnv.sh"
preview() { pulumi preview --stack "$STACK" --policy-pack "$ROOT/policies" --non-interactive "$@"; }
case " $* " in *" --json "*) ;; *) preview "$@"; exit ;; esac
# --json: Pulumi 3.64's JSON display can crash on its own race (fatal error: concurrent map ...,
# pulumi/pulumi#10060), not on anything in the program. Its output only comes at the end anyway,
# so it is kept until the run is done, and a run the CLI crashed in is made once again.
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for attempt in 1 2; do
  code=0
  preview "$@" >"$out" 2>"$err" || code=$?
  if [ "$code" -ne 0 ] && [ "$attempt" = 1 ] && grep -qE 'fatal error: concurrent map (iteration and map write|writes|read and map write)' "$err" "$out"; then
    echo "preview: the Pulumi CLI crashed in its JSON display (pulumi/pulumi#10060); running it again" >&2
    continue
  fi
  break
done
cat "$err" >&2
cat "$out"
exit "$code"

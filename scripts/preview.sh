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
exec pulumi preview --stack "$STACK" --policy-pack "$ROOT/policies" --non-interactive "$@"

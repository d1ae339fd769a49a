#!/usr/bin/env bash
# `pulumi` for this project: ensures the pinned toolchain, applies the offline settings,
# compiles the program, and takes the stack's passphrase from stacks/passphrases when the
# caller set none (only the lab and the example dev stack have one there).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/toolchain/ensure.sh" >&2
# shellcheck source=toolchain/env.sh
. "$ROOT/scripts/toolchain/env.sh"
cd "$ROOT"
[ -n "${DESKCLUSTER_SKIP_BUILD:-}" ] || npx --no-install tsc -p tsconfig.json >&2
exec pulumi "$@"

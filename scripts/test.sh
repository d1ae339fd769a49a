#!/usr/bin/env bash
# The whole test suite on a fresh machine: npm packages, the Pulumi toolchain, compile,
# unit + component + policy + real-preview tests, then the lab end to end.
# Everything it installs is cached outside the repository and reused on the next run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$PATH:/usr/local/go/bin"
LOGDIR=$(mktemp -d)
passed=0 failed=0 skipped=0
t() { date +%s; }
T0=$(t)

echo "== npm packages"
bash scripts/npmDeps.sh
echo "== toolchain"
s=$(t); bash scripts/toolchain/ensure.sh; echo "toolchain: $(( $(t) - s ))s"
echo "== compile"
npx --no-install tsc -p tsconfig.json

suite() { # name, mocha args...
  local name=$1; shift
  echo "== $name"
  local log="$LOGDIR/$name.log" rc=0
  DESKCLUSTER_SKIP_BUILD=1 npx --no-install mocha "$@" 2>&1 | tee "$log" || rc=$?
  local p f s
  p=$(grep -Eo '^ +[0-9]+ passing' "$log" | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ +[0-9]+ failing' "$log" | grep -Eo '[0-9]+' || echo 0)
  s=$(grep -Eo '^ +[0-9]+ pending' "$log" | grep -Eo '[0-9]+' || echo 0) # this.skip() and it() without a body
  [ "$rc" = 0 ] || [ "$f" != 0 ] || { f=1; echo "  1 failing (exit $rc before mocha's summary)" >>"$log"; } # a crash counts as a failure
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}
suite unit-and-preview
if [ "${DESKCLUSTER_SKIP_LAB:-}" = 1 ]; then
  echo "== lab end to end: skipped by DESKCLUSTER_SKIP_LAB=1"
elif [ -f tests/lab/e2e.test.ts ]; then
  s=$(t); suite lab-e2e --config tests/lab/.mocharc.json; echo "lab end to end: $(( $(t) - s ))s"
fi
# CI keeps the tail of a long log: the failures of every suite again, last, where it shows them.
for log in "$LOGDIR"/*.log; do
  grep -qE '^ +[0-9]+ failing' "$log" || continue
  echo "== failures of $(basename "$log" .log)"
  if grep -q "before mocha's summary" "$log"; then tail -n 40 "$log"; else sed -n '/^ \+[0-9]\+ failing/,$p' "$log" | head -c 20000; fi
done
echo "== total $(( $(t) - T0 ))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]

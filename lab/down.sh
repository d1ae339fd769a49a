#!/usr/bin/env bash
# Tears the lab down: `pulumi destroy` while the boards still answer (proves destroy works),
# forgets the lab stack's state, then removes exactly what the lab created.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$PATH:/usr/local/go/bin"
LAB=${DESKCLUSTER_LAB:-deskcluster-lab}
DIR=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}/lab/$LAB
destroyed=0
bash lab/engine.sh >/dev/null
boards=$(node -e 'console.log(require("yaml").parse(require("fs").readFileSync("stacks/lab.yaml", "utf8")).boards.length)')
running=$(docker ps -q --filter "label=deskcluster.lab=$LAB" --filter label=deskcluster.board --filter status=running | wc -l)
if [ -f "$DIR/Pulumi.lab.yaml" ] && bash scripts/toolchain/ensure.sh >/dev/null; then
  . scripts/toolchain/env.sh
  STACK=lab . scripts/stackEnv.sh
  if [ "$running" != "$boards" ]; then
    # Destroy works through the boards; with boards gone it would wait for each one to answer, and
    # removing the containers removes everything the stack made anyway.
    echo "lab down: $running of $boards boards run: the stack's state is forgotten without pulumi destroy" >&2
  else
    npx --no-install tsc -p tsconfig.json
    # The cluster id is protected against accidental replacement; a lab teardown is deliberate.
    pulumi state unprotect --stack lab --all --yes >/dev/null 2>&1 || true
    pulumi destroy --stack lab --config-file "$DIR/Pulumi.lab.yaml" --yes --non-interactive --skip-preview --suppress-outputs \
      || { destroyed=1; echo "lab down: pulumi destroy FAILED (see above); removing the boards anyway" >&2; }
  fi
  # --preserve-config: the repository's Pulumi.lab.yaml is not the lab's to delete
  pulumi stack rm lab --force --yes --preserve-config >/dev/null 2>&1 || true
fi
bash lab/registry.sh down --name "$LAB"
bash lab/boards.sh down --name "$LAB"
# A teardown that cleaned up after a failed destroy still reports the failure.
exit "$destroyed"

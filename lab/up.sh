#!/usr/bin/env bash
# The main command: from a fresh clone, build what is missing, start the simulated boards,
# `pulumi up` the lab stack (the same program a real desk runs), print the health summary
# and the timings. Rerunning converges again (a no-op when nothing changed).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PATH="$PATH:/usr/local/go/bin"
LAB=${DESKCLUSTER_LAB:-deskcluster-lab}
export DESKCLUSTER_LAB=$LAB
CACHE=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}
DIR=$CACHE/lab/$LAB
# DESKCLUSTER_LAB_INVENTORY: another inventory for the boards, the images and the stack config
# (the upgrade test converges the previous release's); stacks/lab.yaml by default.
INVENTORY=${DESKCLUSTER_LAB_INVENTORY:-stacks/lab.yaml}
TIMES=()
step() { local name=$1 s=$SECONDS; shift; echo "== $name"; "$@"; TIMES+=("$name: $((SECONDS - s))s"); }

step "npm packages" bash scripts/npmDeps.sh
step "toolchain" bash scripts/toolchain/ensure.sh
step "docker engine" bash lab/engine.sh
# No board container of this lab exists: whatever stack state the cache holds describes boards that are gone.
STALE_STATE=0; [ -n "$(docker ps -aq --filter "label=deskcluster.lab=$LAB")" ] || STALE_STATE=1
images() {
  bash lab/base.sh bullseye
  bash lab/base.sh bookworm
  bash lab/images/cassandra/build.sh
  bash lab/images/kafka/build.sh
  # Stargate's artifacts are not on any registry this machine reaches (see the build scripts):
  # exit 3 means "no input", and the lab then runs without Stargate instead of failing.
  local rc=0
  { bash lab/images/stargate-coordinator/build.sh && bash lab/images/stargate-graphqlapi/build.sh; } || rc=$?
  case $rc in
    0) ;;
    3) OMIT+=(stargate); echo "stargate: BLOCKED (no artifacts): this lab runs without Stargate (config deskcluster:omitServices)" ;;
    *) return "$rc" ;;
  esac
  bash health/image/build.sh # the health images and the GraphQL gateway's
}
OMIT=()
step "images" images
mkdir -p "$DIR" && printf '%s\n' "${OMIT[@]}" >"$DIR/omitted"
step "boards" bash lab/boards.sh up --name "$LAB"
push() {
  bash lab/registry.sh up --name "$LAB"
  # Every service image the lab inventory names goes to the boards' registry mirror.
  mapfile -t wanted < <(node -e 'const y=require("yaml");const s=y.parse(require("fs").readFileSync(process.argv[2],"utf8")).services;
    const omit=require("fs").readFileSync(process.argv[1],"utf8").split("\n");
    const out=[s.cassandra.image,s.kafka.image];
    if(!omit.includes("stargate"))out.push(s.stargate?.coordinator.image,s.stargate?.graphql.image);
    if(!omit.includes("health"))out.push(s.health?.agent.image,s.health?.sink.image);
    if(!omit.includes("gateway"))out.push(s.gateway?.image);
    console.log(out.filter(Boolean).join("\n"))' "$DIR/omitted" "$INVENTORY")
  bash lab/registry.sh push "${wanted[@]}"
}
step "registry" push
config() {
  # host keys: "-", bootstrap records them next, as on a real desk
  bash lab/stackConfig.sh "$DIR/Pulumi.lab.yaml" "$DIR/id_ed25519" - "$DIR/cassandra-password" "$DIR/omitted"
}
step "stack config" config
# The user's part before the first `pulumi up` (README, "From the lab to your desk"): bootstrap records
# every board's host key in the stack config, each confirmed by the fingerprint its console shows.
first_contact() {
  local fps=() f
  for f in "$DIR"/hostkeys/*/ssh_host_ed25519_key.pub; do
    fps+=(--fingerprint "$(basename "$(dirname "$f")")=$(ssh-keygen -lf "$f" | awk '{print $2}')")
  done
  npx --no-install ts-node --transpile-only cli/bootstrap.ts "$INVENTORY" --stack lab --config-file "$DIR/Pulumi.lab.yaml" \
    --identity "$DIR/id_ed25519" --password-file "$DIR/first-password" "${fps[@]}"
}
step "bootstrap (first contact)" first_contact
. scripts/toolchain/env.sh
STACK=lab . scripts/stackEnv.sh
if [ "$STALE_STATE" = 1 ] && [ "$(pulumi stack --stack lab --show-ids 2>/dev/null | grep -c 'deskcluster:')" != 0 ]; then
  echo "stack lab: its state describes boards that no longer exist (new boards were created): starting the stack afresh" >&2
  pulumi stack rm lab --force --yes --preserve-config >/dev/null
  STACK=lab . scripts/stackEnv.sh
fi
npx --no-install tsc -p tsconfig.json
# --refresh: a rerun reads the boards first and repairs what drifted (a fresh stack has nothing to read).
converge() {
  pulumi up --stack lab --config-file "$DIR/Pulumi.lab.yaml" --policy-pack policies --refresh --yes --non-interactive --skip-preview --suppress-outputs
}
step "converge (pulumi up)" converge
date +%s%3N >"$DIR/converged-at" # the health checks count their 30 s from here
# Measured now, before the no-op preview and the summary spend the budget (tests/lab/e2e.test.ts reads it).
step "health rows after converge" npx --no-install ts-node --transpile-only lab/checks/rowsAfterUp.ts
noop() {
  pulumi preview --stack lab --config-file "$DIR/Pulumi.lab.yaml" --policy-pack policies --expect-no-changes --non-interactive --suppress-outputs >/dev/null &&
    echo "no-op: a second run would change nothing"
}
step "no-op check (preview --expect-no-changes)" noop
step "health" npx --no-install ts-node --transpile-only lab/checks/summary.ts
echo "== timings"; printf '  %s\n' "${TIMES[@]}"

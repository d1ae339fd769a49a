#!/usr/bin/env bash
# Writes a lab stack config (a copy of Pulumi.lab.yaml with the lab's secrets encrypted
# under the lab passphrase) outside the repository, for `pulumi --config-file`.
# usage: lab/stackConfig.sh OUT.yaml SSH_PRIVATE_KEY HOSTKEYS.json|- PASSWORD_FILE [OMITTED_FILE]
#   HOSTKEYS.json: pinned as they are (previews with throwaway keys); -: left to `npm run bootstrap` (lab/up.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$1 KEY=$2 HOSTKEYS=$3 PASSWORD=$4 OMITTED=${5:-/dev/null}
# shellcheck source=../scripts/toolchain/env.sh
. "$ROOT/scripts/toolchain/env.sh"
STACK=lab
# shellcheck source=../scripts/stackEnv.sh
. "$ROOT/scripts/stackEnv.sh"
[ -s "$PASSWORD" ] || (umask 077; openssl rand -base64 24 | tr -d '/+=\n' >"$PASSWORD")
cp "$ROOT/Pulumi.lab.yaml" "$OUT"
cd "$ROOT"
cfg() { pulumi config set --stack lab --config-file "$OUT" --secret "$1" >/dev/null; }
# The inventory Pulumi.lab.yaml names unless DESKCLUSTER_LAB_INVENTORY gives another (a path from the repository's root).
[ -z "${DESKCLUSTER_LAB_INVENTORY:-}" ] || pulumi config set --stack lab --config-file "$OUT" deskcluster:inventory "$DESKCLUSTER_LAB_INVENTORY" >/dev/null
cfg deskcluster:sshPrivateKey <"$KEY"
[ "$HOSTKEYS" = - ] || cfg deskcluster:hostKeys <"$HOSTKEYS"
cfg deskcluster:cassandraSuperuserPassword <"$PASSWORD"
# services this machine cannot run (one name a line): the typed list deskcluster:omitServices
i=0; omit=""
while read -r svc; do
  [ -n "$svc" ] || continue
  pulumi config set --stack lab --config-file "$OUT" --path "deskcluster:omitServices[$i]" "$svc" >/dev/null
  i=$((i + 1)); omit="$omit $svc"
done <"$OMITTED"
echo "lab config: $OUT (services left out:${omit:- none})"

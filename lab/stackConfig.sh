#!/usr/bin/env bash
# Writes a lab stack config (a copy of Pulumi.lab.yaml with the lab's secrets encrypted
# under the lab passphrase) outside the repository, for `pulumi --config-file`.
# usage: lab/stackConfig.sh OUT.yaml SSH_PRIVATE_KEY HOSTKEYS.json PASSWORD_FILE
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$1 KEY=$2 HOSTKEYS=$3 PASSWORD=$4
# shellcheck source=../scripts/toolchain/env.sh
. "$ROOT/scripts/toolchain/env.sh"
STACK=lab
# shellcheck source=../scripts/stackEnv.sh
. "$ROOT/scripts/stackEnv.sh"
[ -s "$PASSWORD" ] || (umask 077; openssl rand -base64 24 | tr -d '/+=\n' >"$PASSWORD")
cp "$ROOT/Pulumi.lab.yaml" "$OUT"
cd "$ROOT"
cfg() { pulumi config set --stack lab --config-file "$OUT" --secret "$1" >/dev/null; }
cfg deskcluster:sshPrivateKey <"$KEY"
cfg deskcluster:hostKeys <"$HOSTKEYS"
cfg deskcluster:cassandraSuperuserPassword <"$PASSWORD"
echo "lab config: $OUT"

# Source me with STACK set: passphrase and stack selection for this project's stacks.
# The lab and the example dev stack carry published passphrases: their secrets are throwaway
# (a lab's keys live as long as the lab; dev's example keys open no board). A real desk
# sets PULUMI_CONFIG_PASSPHRASE_FILE (or _PASSPHRASE) itself and re-encrypts its stack with
# `pulumi stack change-secrets-provider passphrase`.
# shellcheck shell=bash
: "${STACK:?set STACK}"
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  case "$STACK" in
    lab) export PULUMI_CONFIG_PASSPHRASE=deskcluster-lab ;;
    dev) export PULUMI_CONFIG_PASSPHRASE=deskcluster-dev-example ;;
    *) echo "stack $STACK: set PULUMI_CONFIG_PASSPHRASE_FILE to decrypt its secrets" >&2; return 1 ;;
  esac
fi
# The file backend lives in the cache: a fresh machine creates the stack on first use.
pulumi stack select --create "$STACK" >/dev/null
# A run that was killed (a session or CI job ended mid-update) leaves its lock behind in the
# file backend: a lock whose process is gone is removed, one that is alive is respected.
for _dc_lock in "${PULUMI_BACKEND_URL#file://}"/.pulumi/locks/organization/*/"$STACK"/*.json; do
  [ -f "$_dc_lock" ] || continue
  _dc_pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$_dc_lock" | head -n 1)
  if [ -n "$_dc_pid" ] && ! kill -0 "$_dc_pid" 2>/dev/null; then
    echo "stack $STACK: removing the lock of process $_dc_pid, which is gone ($_dc_lock)" >&2
    rm -f "$_dc_lock"
  fi
done
unset _dc_lock _dc_pid

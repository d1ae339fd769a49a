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

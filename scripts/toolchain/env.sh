# Source me: puts the selected Pulumi toolchain on PATH with offline settings.
# shellcheck shell=bash
_dc_cache=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}
if [ ! -f "$_dc_cache/toolchain/selected-bin" ]; then
  echo "toolchain: none selected yet; run scripts/toolchain/ensure.sh" >&2
  return 1 2>/dev/null || exit 1
fi
export PATH="$(cat "$_dc_cache/toolchain/selected-bin"):$PATH"
# Plugins and credentials stay in the cache, never in ~/.pulumi of the user.
export PULUMI_HOME=${PULUMI_HOME:-$_dc_cache/pulumi-home}
# Local file backend unless the user points elsewhere (an admin Pi may use its own).
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$_dc_cache/state}
# Offline: never check for updates, never download a plugin (a missing one is an error).
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
mkdir -p "$PULUMI_HOME" "${PULUMI_BACKEND_URL#file://}" 2>/dev/null || true
unset _dc_cache

#!/usr/bin/env bash
# Lets this machine run arm64 containers under emulation (Debian's qemu-user-static through
# binfmt_misc), so the arm64 images a real desk pulls are tested here before any Pi sees them.
# Idempotent: installs, mounts and registers only what is missing.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v update-binfmts >/dev/null || [ ! -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ]; then
  echo "emulation: installing qemu-user-static (Debian package)"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq qemu-user-static binfmt-support >/dev/null
fi
[ -e /proc/sys/fs/binfmt_misc/register ] || $SUDO mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || $SUDO update-binfmts --enable qemu-aarch64
grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 || { echo "emulation: qemu-aarch64 is registered but disabled" >&2; exit 1; }
echo "emulation: arm64 ready ($(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/qemu-aarch64))"

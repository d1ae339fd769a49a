// configgen: what the base step makes of a card's OS before Docker, Cassandra or Kafka touch it, and
// what its read checks again (drift). A 32-bit userland is refused before anything changes; swap is
// turned off where Cassandra or Kafka run (a node that swaps to an SD card stalls the whole ring:
// Cassandra's and Kafka's production docs both say no swap); time is kept by systemd-timesyncd
// (these boards have no real-time clock); vm.max_map_count as Cassandra's production settings ask.
import { BoardStep } from "./clusterPlan";
import { operatingSystems } from "./operatingSystems";

/** Cassandra's recommended vm.max_map_count (its "Recommended production settings"). */
export const maxMapCount = 1048575;
export const sysctlFile = "/etc/sysctl.d/60-deskcluster.conf";

const dataRoles = ["cassandra", "kafka-broker", "kafka-controller"];
/** Whether a board with these roles runs a node that must not swap. */
export const runsDataNodes = (roles: readonly string[]): boolean => roles.some((r) => dataRoles.includes(r));
const noSwap = (step: BoardStep): boolean => runsDataNodes(step.board.roles);

/** sysctl and swapon live in sbin, which a non-login SSH shell has no PATH to. */
const sbinOnPath = `PATH="$PATH:/usr/sbin:/sbin"`;

/** Refuses the board, naming it and the field, when its userland is not the architecture the inventory says. */
export function architectureCheck(step: BoardStep): string[] {
  const arch = step.board.arch;
  if (!arch) return [];
  const label = operatingSystems[step.board.os].label;
  return [
    `a=$(dpkg --print-architecture 2>/dev/null || echo unknown)`,
    `if [ "$a" != ${arch} ]; then echo "board ${step.name}, field arch: the userland is $a (dpkg --print-architecture), the board needs ${arch}:`
      + ` flash the 64-bit image (${label}); nothing was changed" >&2; exit 1; fi`,
  ];
}

/** Swap off (units disabled, their swap off), time synchronisation on, vm.max_map_count raised. Sets changed=1 when it did anything. */
export function osPreparationScript(step: BoardStep): string[] {
  const os = operatingSystems[step.board.os];
  return [
    sbinOnPath,
    ...(noSwap(step) ? [
      `for u in ${os.swapUnits.join(" ")}; do`,
      `  if systemctl is-enabled --quiet "$u" 2>/dev/null; then sudo systemctl disable --now "$u" >/dev/null 2>&1; changed=1; fi`,
      `done`,
      // Only the swap these units made: any other swap on a board is the user's (and in a lab twin, the host's).
      `for d in ${os.swapDevices.join(" ")}; do`,
      `  if swapon --show=NAME --noheadings 2>/dev/null | grep -qx "$d"; then sudo swapoff "$d"; changed=1; fi`,
      `done`,
    ] : []),
    // chrony, where the user chose it, keeps time as well; otherwise systemd-timesyncd, installed if the image lacks it.
    `if ! systemctl is-active --quiet chrony 2>/dev/null && ! systemctl is-enabled --quiet systemd-timesyncd 2>/dev/null; then`,
    `  if ! systemctl cat systemd-timesyncd >/dev/null 2>&1; then`,
    `    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-timesyncd >/dev/null`,
    `  fi`,
    `  sudo systemctl enable --now systemd-timesyncd >/dev/null 2>&1; changed=1`,
    `fi`,
    `if [ "$(cat ${sysctlFile} 2>/dev/null)" != "vm.max_map_count = ${maxMapCount}" ]; then`,
    `  echo "vm.max_map_count = ${maxMapCount}" | sudo tee ${sysctlFile} >/dev/null; changed=1`,
    `fi`,
    `if [ "$(sysctl -n vm.max_map_count)" -lt ${maxMapCount} ]; then sudo sysctl -q -w vm.max_map_count=${maxMapCount}; changed=1; fi`,
  ];
}

/** The facts the base step's read checks, with what they must be once converged. */
export function osPreparationFacts(step: BoardStep): { facts: Record<string, string>; expect: Record<string, string> } {
  const os = operatingSystems[step.board.os];
  const swapOn = [
    `for u in ${os.swapUnits.join(" ")}; do systemctl is-enabled --quiet "$u" 2>/dev/null && printf '%s ' "$u"; done`,
    `for d in ${os.swapDevices.join(" ")}; do swapon --show=NAME --noheadings 2>/dev/null | grep -x "$d" | tr '\\n' ' '; done`,
  ].join("; ");
  return {
    facts: {
      ...(noSwap(step) ? { swap: `${sbinOnPath}; s=$( { ${swapOn}; } ); [ -z "$s" ] && echo off || echo "on: $s"` } : {}),
      timeSync: `{ systemctl is-active --quiet chrony || systemctl is-enabled --quiet systemd-timesyncd; } && echo on || echo off`,
      maxMapCount: `${sbinOnPath}; v=$(sysctl -n vm.max_map_count); [ "$v" -ge ${maxMapCount} ] && echo ok || echo "$v"`,
    },
    expect: { ...(noSwap(step) ? { swap: "off" } : {}), timeSync: "on", maxMapCount: "ok" },
  };
}

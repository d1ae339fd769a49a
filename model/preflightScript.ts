// Preflight, the read: what a board is before the first `pulumi up`, read without changing anything.
// The script prints facts as key=value lines; a key it cannot tell is left out, so "missing" always
// means "unknown", never "no". Pure: the CLI runs it over SSH; model/preflightFindings.ts judges the facts.
import { Board, Inventory } from "./inventory";
import { wiredInterface } from "./network";
import { operatingSystems, osNames } from "./operatingSystems";

/** Quoted for any POSIX shell: board values never reach the script unquoted. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

export function preflightScript(board: Board, inventory: Inventory, peers: string[]): string {
  const iface = wiredInterface(board);
  const units = [...new Set(osNames.flatMap((o) => operatingSystems[o].swapUnits))];
  const dockerFmt = shellQuote("{{.Server.Version}}");
  const lines = [
    // Every file read goes through $R so tests can point the script at a fixture tree.
    `R="\${PREFLIGHT_ROOT:-}"`,
    // kv strips newlines: one fact is one line whatever the board prints.
    `kv() { printf '%s=%s\\n' "$1" "$(printf '%s' "$2" | tr '\\n\\r' '  ')"; }`,
    `has() { command -v "$1" >/dev/null 2>&1; }`,
    // One compound command, parsed whole before it runs: nothing inside can eat the rest of `bash -s`'s stdin.
    `{`,
    `kv user "$(id -un 2>/dev/null)"`,
    `has dpkg && kv arch "$(dpkg --print-architecture 2>/dev/null)"`,
    `[ -r "$R/etc/os-release" ] && kv os.codename "$(sed -n 's/^VERSION_CODENAME=//p' "$R/etc/os-release" | tr -d '"' | head -n 1)"`,
    ...osNames.map((o) => `[ -e "$R"${shellQuote(operatingSystems[o].releaseFile)} ] && kv os.release.${o} yes`),
    `if has sudo; then`,
    `  if sudo -n true >/dev/null 2>&1; then kv sudo.true ok; else kv sudo.true refused; fi`,
    // A deploy user's sudoers rule lists commands, not ALL: `true` may be refused although systemctl is allowed.
    `  if sudo -n -l systemctl >/dev/null 2>&1; then kv sudo.list ok; else kv sudo.list refused; fi`,
    `else kv sudo.true absent; fi`,
    `mc=""; c="$R/sys/fs/cgroup/cgroup.controllers"; v1="$R/proc/cgroups"`,
    `if [ -r "$c" ] || [ -r "$v1" ]; then mc=no; fi`,
    `if [ -r "$c" ] && grep -qw memory "$c"; then mc=yes; fi`,
    `if [ -r "$v1" ] && awk '$1=="memory" && $4==1 {f=1} END {exit !f}' "$v1"; then mc=yes; fi`,
    `[ -n "$mc" ] && kv kernel.memoryCgroup "$mc"`,
    ...osNames.map((o) => {
      const { file, form } = operatingSystems[o].kernelArgs;
      const read = form === "cmdline" ? `head -n 1 "$f"` : `sed -n 's/^extraargs=//p' "$f" | tail -n 1`;
      return `f="$R"${shellQuote(file)}; if [ -r "$f" ]; then kv boot.${o} "$(${read})"; else kv boot.${o}.absent yes; fi`;
    }),
    `[ -r "$R/proc/swaps" ] && kv swap.active "$(awk 'NR>1 {printf "%s%s", s, $1; s=" "}' "$R/proc/swaps")"`,
    `if has systemctl; then`,
    ...units.map((u) => `  kv unit.${u} "$(systemctl is-enabled ${shellQuote(u)} 2>/dev/null | head -n 1)"`),
    `  kv time.timesyncd "$(systemctl is-active systemd-timesyncd 2>/dev/null)"`,
    `  kv time.timesyncdEnabled "$(systemctl is-enabled systemd-timesyncd 2>/dev/null | head -n 1)"`,
    `  kv time.chrony "$(systemctl is-active chrony 2>/dev/null)"`,
    `fi`,
    `has timedatectl && kv time.ntpSynchronized "$(timedatectl show -p NTPSynchronized --value 2>/dev/null)"`,
    `dd=${shellQuote(board.storage.dataDir)}; d="$dd"`,
    `while [ ! -e "$R$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done`,
    `if [ -e "$R$dd" ]; then kv storage.dataDirExists yes; else kv storage.dataDirExists no; fi`,
    `kv storage.target "$d"`,
    `src=""; has findmnt && src=$(findmnt -n -o SOURCE --target "$R$d" 2>/dev/null | head -n 1 | sed 's/\\[.*//')`,
    `[ -z "$src" ] && has df && src=$(df -P "$R$d" 2>/dev/null | awk 'NR==2 {print $1}')`,
    `[ -n "$src" ] && kv storage.source "$src"`,
    `has df && kv storage.freeMb "$(df -Pm "$R$d" 2>/dev/null | awk 'NR==2 {print $4}')"`,
    ...(board.storage.device ? [
      `dev=${shellQuote(board.storage.device)}`,
      `if [ -e "$R$dev" ]; then kv storage.devicePresent yes; else kv storage.devicePresent no; fi`,
      `kv storage.deviceReal "$(readlink -f "$dev" 2>/dev/null)"`,
      `has blkid && kv storage.deviceFs "$(blkid -o value -s TYPE "$dev" 2>/dev/null)"`,
    ] : []),
    ...(iface ? [
      `i=${shellQuote(iface.name)}`,
      `if [ -e "$R/sys/class/net/$i" ]; then kv wired.present yes; else kv wired.present no; fi`,
      `if [ -e "$R/sys/class/net/$i/wireless" ] || [ -e "$R/sys/class/net/$i/phy80211" ]; then kv wired.wireless yes; else kv wired.wireless no; fi`,
      `has ip && kv wired.addresses "$(ip -o -4 addr show dev "$i" 2>/dev/null | awk '{printf "%s%s", s, $4; s=" "}')"`,
      ...peers.map((p) => `has ip && kv route.${p.replace(/[^0-9A-Za-z.:-]/g, "_")} "$(ip route get ${shellQuote(p)} 2>/dev/null | `
        + `sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1)"`),
    ] : []),
    `dv=""`,
    `if has docker; then dv=$(sudo -n docker version --format ${dockerFmt} 2>/dev/null || docker version --format ${dockerFmt} 2>/dev/null); fi`,
    `[ -n "$dv" ] && kv docker.version "$dv"`,
    `has dpkg-query && kv docker.package "$(dpkg-query -W -f='\${db:Status-Abbrev} \${Version}\\n' docker.io docker-ce 2>/dev/null `
      + `| awk '$1=="ii" {print $2; exit}')"`,
    `[ -r "$R/proc/meminfo" ] && kv mem.totalKb "$(awk '$1=="MemTotal:" {print $2}' "$R/proc/meminfo")"`,
    `if [ -r "$R/sys/fs/cgroup/memory.max" ]; then kv mem.cgroupLimit "$(cat "$R/sys/fs/cgroup/memory.max")"`,
    `elif [ -r "$R/sys/fs/cgroup/memory/memory.limit_in_bytes" ]; then kv mem.cgroupLimit "$(cat "$R/sys/fs/cgroup/memory/memory.limit_in_bytes")"; fi`,
    `[ -r "$R/proc/sys/vm/max_map_count" ] && kv sysctl.vm.max_map_count "$(cat "$R/proc/sys/vm/max_map_count")"`,
    // Lets the caller tell a finished run from one cut short.
    `kv preflight.done yes`,
    `} </dev/null`,
  ];
  return lines.join("\n") + "\n";
}

export function parseFacts(stdout: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) facts[line.slice(0, eq).trim()] = line.slice(eq + 1).replace(/\r$/, "");
  }
  return facts;
}


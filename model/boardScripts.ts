// configgen: the idempotent shell scripts a board runs over SSH. Pure strings, tested without a board.
import { BoardPlan } from "./clusterPlan";

/** A heredoc that writes `content` to `path` only when it differs, so reruns touch nothing. */
function writeFile(path: string, content: string, mode = "0644"): string {
  const tag = "DESKCLUSTER_EOF";
  return [
    `tmp=$(mktemp)`,
    `cat > "$tmp" <<'${tag}'`, content.replace(/\n$/, ""), tag,
    `if ! cmp -s "$tmp" ${path}; then sudo install -D -m ${mode} "$tmp" ${path}; changed=1; fi`,
    `rm -f "$tmp"`,
  ].join("\n");
}

const header = ["set -eu", "changed=0"];

/**
 * Refuses the board before anything changes when the interface the inventory calls wired is
 * missing or wireless on the board, or when the route to a peer leaves through another one.
 */
export function wiredCheckScript(plan: BoardPlan, peers: readonly string[]): string[] {
  const index = plan.board.interfaces.findIndex((i) => i.kind === "wired");
  if (index < 0) return [];
  const iface = plan.board.interfaces[index].name;
  const field = `board ${plan.name}, field interfaces[${index}]`;
  const sys = `/sys/class/net/${iface}`;
  return [
    `if [ ! -e ${sys} ]; then echo "${field}.name: the board has no interface ${iface}" >&2; exit 1; fi`,
    `if [ -d ${sys}/wireless ] || [ -e ${sys}/phy80211 ]; then echo "${field}.kind: ${iface} is wireless on the board (${sys}/wireless), not wired" >&2; exit 1; fi`,
    ...(peers.length === 0 ? [] : [
      `if command -v ip >/dev/null; then for peer in ${peers.join(" ")}; do`,
      `  dev=$(ip route get "$peer" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1)`,
      `  if [ -n "$dev" ] && [ "$dev" != ${iface} ] && [ "$dev" != lo ]; then`,
      `    echo "${field}.name: traffic to peer $peer leaves through $dev, not the wired ${iface}" >&2; exit 1; fi`,
      `done; fi`,
    ]),
  ];
}

/** Hostname, the managed /etc/hosts block, the static wired address and the data folders. */
export function baseSetupScript(plan: BoardPlan, peers: readonly string[] = []): string {
  const { name, files, board } = plan;
  const dataDir = board.storage.dataDir;
  return [
    ...header,
    ...wiredCheckScript(plan, peers),
    `if [ "$(hostname)" != "${name}" ]; then sudo hostnamectl set-hostname ${name} 2>/dev/null || sudo hostname ${name}; echo ${name} | sudo tee /etc/hostname >/dev/null; changed=1; fi`,
    // Replace only our block in /etc/hosts; the rest of the file is the board's.
    `block=$(mktemp)`, `cat > "$block" <<'DESKCLUSTER_EOF'`, files.hosts.replace(/\n$/, ""), `DESKCLUSTER_EOF`,
    `new=$(mktemp); sed '/^# BEGIN deskcluster$/,/^# END deskcluster$/d' /etc/hosts > "$new"; cat "$block" >> "$new"`,
    `if ! cmp -s "$new" /etc/hosts; then sudo cp "$new" /etc/hosts; changed=1; fi; rm -f "$new" "$block"`,
    ...(files.staticAddress
      ? [writeFile(`/etc/NetworkManager/system-connections/deskcluster-${board.interfaces.find((i) => i.kind === "wired")!.name}.nmconnection`, files.staticAddress, "0600"),
        `if [ "$changed" = 1 ] && command -v nmcli >/dev/null; then sudo nmcli connection reload; fi`]
      : []),
    `sudo mkdir -p ${dataDir}/cassandra ${dataDir}/kafka`,
    // apache/kafka runs as uid 1000; the cassandra entrypoint fixes its own ownership.
    `sudo chown 1000:1000 ${dataDir}/kafka`,
    `echo "base ${name} changed=$changed"`,
  ].join("\n");
}

/** Docker from the distribution (as on Raspberry Pi OS), its daemon.json, and a memory cgroup that really limits. */
export function dockerSetupScript(plan: BoardPlan): string {
  return [
    ...header,
    `if ! command -v dockerd >/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null; changed=1; fi`,
    writeFile("/etc/docker/daemon.json", plan.files.daemonJson),
    `sudo usermod -aG docker "$(id -un)"`,
    `sudo systemctl enable docker >/dev/null 2>&1 || true`,
    `if [ "$changed" = 1 ]; then sudo systemctl restart docker; else sudo systemctl start docker; fi`,
    `for i in $(seq 1 60); do sudo docker info >/dev/null 2>&1 && break; sleep 1; done`,
    // Raspberry Pi OS ignores --memory until the kernel enables the memory cgroup.
    `if [ "$(sudo docker info --format '{{.MemoryLimit}}')" != "true" ]; then`,
    `  for f in /boot/firmware/cmdline.txt /boot/cmdline.txt; do`,
    `    if [ -f "$f" ] && ! grep -q 'cgroup_enable=memory' "$f"; then sudo sed -i '1 s/$/ cgroup_enable=memory cgroup_memory=1/' "$f"; fi`,
    `  done`,
    `  echo "board ${plan.name}: the memory cgroup is not enabled; cmdline.txt now enables it: reboot the board and run pulumi up again" >&2`,
    `  exit 1`,
    `fi`,
    `echo "docker ${plan.name} $(sudo docker version --format '{{.Server.Version}}') changed=$changed"`,
  ].join("\n");
}

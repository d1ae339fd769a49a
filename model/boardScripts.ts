// configgen: the idempotent shell scripts a board runs over SSH. Pure strings, tested without a board.
import { BoardStep } from "./clusterPlan";
import { OsName, operatingSystems } from "./operatingSystems";
import { architectureCheck, osPreparationScript } from "./osPreparation";
import { serviceName } from "./serviceNames";

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
export function wiredCheckScript(plan: BoardStep, peers: readonly string[]): string[] {
  const index = plan.board.interfaces.findIndex((i) => i.kind === "wired");
  if (index < 0) return [];
  const iface = plan.board.interfaces[index].name;
  const field = `board ${plan.name}, field interfaces[${index}]`;
  const sys = `/sys/class/net/${iface}`;
  return [
    `if [ ! -e ${sys} ]; then echo "${field}.name: the board has no interface ${iface}" >&2; exit 1; fi`,
    `if [ -d ${sys}/wireless ] || [ -e ${sys}/phy80211 ]; then`
      + ` echo "${field}.kind: ${iface} is wireless on the board (${sys}/wireless), not wired" >&2; exit 1; fi`,
    ...(peers.length === 0 ? [] : [
      `if command -v ip >/dev/null; then for peer in ${peers.join(" ")}; do`,
      `  dev=$(ip route get "$peer" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n 1)`,
      `  if [ -n "$dev" ] && [ "$dev" != ${iface} ] && [ "$dev" != lo ]; then`,
      `    echo "${field}.name: traffic to peer $peer leaves through $dev, not the wired ${iface}" >&2; exit 1; fi`,
      `done; fi`,
    ]),
  ];
}

/** Hostname, the managed /etc/hosts block, the static wired address, the OS preparation (osPreparation.ts) and the data folders. */
export function baseSetupScript(plan: BoardStep, peers: readonly string[] = []): string {
  const { name, files, board } = plan;
  const dataDir = board.storage.dataDir;
  return [
    ...header,
    ...wiredCheckScript(plan, peers),
    ...architectureCheck(plan),
    `if [ "$(hostname)" != "${name}" ]; then sudo hostnamectl set-hostname ${name} 2>/dev/null || sudo hostname ${name};`
      + ` echo ${name} | sudo tee /etc/hostname >/dev/null; changed=1; fi`,
    // Replace only our block in /etc/hosts; the rest of the file is the board's.
    `block=$(mktemp)`, `cat > "$block" <<'DESKCLUSTER_EOF'`, files.hosts.replace(/\n$/, ""), `DESKCLUSTER_EOF`,
    `new=$(mktemp); sed '/^# BEGIN deskcluster$/,/^# END deskcluster$/d' /etc/hosts > "$new"; cat "$block" >> "$new"`,
    `if ! cmp -s "$new" /etc/hosts; then sudo cp "$new" /etc/hosts; changed=1; fi; rm -f "$new" "$block"`,
    ...(files.staticAddress
      ? [
        writeFile(
          `/etc/NetworkManager/system-connections/deskcluster-${board.interfaces.find((i) => i.kind === "wired")!.name}.nmconnection`,
          files.staticAddress, "0600",
        ),
        `if [ "$changed" = 1 ] && command -v nmcli >/dev/null; then sudo nmcli connection reload; fi`,
      ]
      : []),
    ...osPreparationScript(plan),
    `sudo mkdir -p ${dataDir}/cassandra ${dataDir}/kafka`,
    // apache/kafka runs as uid 1000; the cassandra entrypoint fixes its own ownership.
    `sudo chown 1000:1000 ${dataDir}/kafka`,
    `echo "base ${name} changed=$changed"`,
  ].join("\n");
}

const waitUntil = (test: string, seconds: number, failure: string) => [
  `end=$(( $(date +%s) + ${seconds} ))`,
  `until ${test}; do [ "$(date +%s)" -gt "$end" ] && { echo "${failure}" >&2; exit 1; }; sleep 3; done`,
];

/**
 * Restarting a running engine restarts this board's services: only when they are safe to stop
 * (every Cassandra node Up/Normal, no Kafka partition under-replicated), with Cassandra drained
 * first, and done only once they are back. The step's updates run one board at a time.
 */
export function engineRestartScript(plan: BoardStep): string[] {
  const roles = plan.board.roles;
  const ctr = (service: string) => `$(sudo docker ps -q --filter label=com.docker.swarm.service.name=${service} | head -n 1)`;
  const cassandra = serviceName("cassandra", plan.name);
  const kafka = serviceName("kafka", plan.name);
  const ringUp = `c=${ctr(cassandra)}; [ -n "$c" ] && s=$(sudo docker exec "$c" nodetool status 2>/dev/null) && echo "$s" | grep -q '^UN '`
    + ` && [ -z "$(echo "$s" | grep -E '^[UD][NLJM] ' | grep -v '^UN ')" ]`;
  const replicated = `k=${ctr(kafka)}; [ -n "$k" ] && o=$(sudo docker exec "$k" kafka-topics --bootstrap-server ${plan.address}:9092`
    + ` --describe --under-replicated-partitions 2>/dev/null) && [ -z "$(echo "$o" | tr -d '[:space:]')" ]`;
  const who = `board ${plan.name}: Docker restart for the new daemon.json`;
  const hasCassandra = roles.includes("cassandra");
  const hasKafka = roles.includes("kafka-broker");
  // Only what runs here now needs protecting (a board whose services are not deployed yet restarts at once).
  return [
    ...(hasCassandra ? [`had_cassandra=${ctr(cassandra)}`] : []),
    ...(hasKafka ? [`had_kafka=${ctr(kafka)}`] : []),
    ...(hasCassandra ? [
      `if [ -n "$had_cassandra" ]; then`,
      ...waitUntil(`{ ${ringUp}; }`, 600, `${who} refused: the Cassandra ring is not all Up/Normal`).map((l) => `  ${l}`),
      `  sudo docker exec "$had_cassandra" nodetool drain >/dev/null 2>&1 || true`,
      `fi`,
    ] : []),
    ...(hasKafka ? [`if [ -n "$had_kafka" ]; then`,
      ...waitUntil(`{ ${replicated}; }`, 600, `${who} refused: partitions are under-replicated`).map((l) => `  ${l}`), `fi`] : []),
    `sudo systemctl restart docker`,
    `for i in $(seq 1 60); do sudo docker info >/dev/null 2>&1 && break; sleep 1; done`,
    ...(hasCassandra ? [`if [ -n "$had_cassandra" ]; then`,
      ...waitUntil(`{ ${ringUp}; }`, 900, `${who}: Cassandra not back Up/Normal`).map((l) => `  ${l}`), `fi`] : []),
    ...(hasKafka ? [`if [ -n "$had_kafka" ]; then`,
      ...waitUntil(`{ ${replicated}; }`, 900, `${who}: partitions still under-replicated`).map((l) => `  ${l}`), `fi`] : []),
  ];
}

/** Adds cgroup_enable=memory to the kernel arguments in the file the board's OS boots with (once). */
function memoryCgroupArgument(os: OsName): string[] {
  const args = "cgroup_enable=memory cgroup_memory=1";
  if (operatingSystems[os].kernelArgs.form === "extraargs") {
    const f = operatingSystems[os].kernelArgs.file;
    return [
      `if ! grep -q 'cgroup_enable=memory' ${f}; then`,
      `  if grep -q '^extraargs=' ${f}; then sudo sed -i '/^extraargs=/ s/$/ ${args}/' ${f};`
        + ` else echo 'extraargs=${args}' | sudo tee -a ${f} >/dev/null; fi`,
      `fi`,
    ];
  }
  return [
    `for f in ${operatingSystems[os].kernelArgs.file} /boot/cmdline.txt; do`,
    `  if [ -f "$f" ] && ! grep -q 'cgroup_enable=memory' "$f"; then sudo sed -i '1 s/$/ ${args}/' "$f"; break; fi`,
    `done`,
  ];
}

/** Docker from the distribution (as on Raspberry Pi OS), its daemon.json, and a memory cgroup that really limits. */
export function dockerSetupScript(plan: BoardStep): string {
  return [
    ...header,
    // Before the install: the package starts the engine, and a fresh board has nothing to protect.
    `running=$(systemctl is-active docker 2>/dev/null || true)`,
    // dockerd lives in sbin, which a non-login SSH shell has no PATH to: test the files.
    `if [ ! -x /usr/sbin/dockerd ] && [ ! -x /usr/bin/dockerd ]; then`,
    `  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null; changed=1`,
    `fi`,
    writeFile("/etc/docker/daemon.json", plan.files.daemonJson),
    `sudo usermod -aG docker "$(id -un)"`,
    `sudo systemctl enable docker >/dev/null 2>&1 || true`,
    `if [ "$changed" = 1 ] && [ "$running" = active ]; then`,
    ...engineRestartScript(plan).map((l) => `  ${l}`),
    `elif [ "$changed" = 1 ]; then sudo systemctl restart docker; else sudo systemctl start docker; fi`,
    `for i in $(seq 1 60); do sudo docker info >/dev/null 2>&1 && break; sleep 1; done`,
    // Raspberry Pi OS ignores --memory until the kernel enables the memory cgroup; each OS keeps its kernel arguments elsewhere.
    `if [ "$(sudo docker info --format '{{.MemoryLimit}}')" != "true" ]; then`,
    ...memoryCgroupArgument(plan.board.os).map((l) => `  ${l}`),
    `  echo "board ${plan.name}: the memory cgroup is not enabled; ${operatingSystems[plan.board.os].kernelArgs.file} now enables it:`
      + ` reboot the board and run pulumi up again" >&2`,
    `  exit 1`,
    `fi`,
    `echo "docker ${plan.name} $(sudo docker version --format '{{.Server.Version}}') changed=$changed"`,
  ].join("\n");
}

const quoted = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Pulls the board's images side by side; an image already there costs one inspect. */
export function imagePullScript(images: readonly string[]): string {
  return [
    "set -eu", "pids=''",
    ...images.map((i) => `{ sudo docker image inspect ${quoted(i)} >/dev/null 2>&1 || sudo docker pull -q ${quoted(i)} >/dev/null; } & pids="$pids $!"`),
    // Each job's own status: one failed pull fails the step, with docker's message on stderr.
    'for p in $pids; do wait "$p"; done',
  ].join("\n");
}

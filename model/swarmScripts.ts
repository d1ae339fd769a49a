// configgen: idempotent swarm scripts, run over SSH on the leader or on a joining board.
const swarmState = `sudo docker info --format '{{.Swarm.LocalNodeState}}'`;

/**
 * Initializes the swarm on the leader, once. If the leader is not in a swarm but another
 * manager of the inventory already serves one (port 2377), a different leader choice would
 * start a second swarm: refuse instead, naming both boards.
 */
export function swarmInitScript(address: string, leader = "leader", otherManagers: Record<string, string> = {}): string {
  const probes = Object.entries(otherManagers).map(([b, a]) =>
    `  if timeout 3 bash -c 'exec 3<>/dev/tcp/${a}/2377' 2>/dev/null; then echo "board ${leader}: not in a swarm, but manager ${b} (${a}) already `
    + `serves one; refusing to start a second swarm. Join ${leader} to it (or make ${b} the first manager) and run pulumi up again." >&2; exit 1; fi`);
  return [
    "set -eu",
    `if [ "$(${swarmState})" != "active" ]; then`,
    ...probes,
    `  sudo docker swarm init --advertise-addr ${address} --data-path-addr ${address} >/dev/null`,
    `fi`,
    `sudo docker info --format '{{.Swarm.NodeID}}'`,
  ].join("\n");
}

/** Prints the join tokens as JSON; the caller marks stdout secret and turns logging off. */
export const swarmTokensScript = [
  "set -eu",
  `printf '{"manager":"%s","worker":"%s"}' "$(sudo docker swarm join-token -q manager)" "$(sudo docker swarm join-token -q worker)"`,
].join("\n");

/**
 * Joins with the token from stdin (in no command line, log or process list: the Engine API gets it in a request body). A board that is
 * in a swarm without knowing any manager (its engine restarted and lost them) or whose state
 * is not active leaves and joins again; the managers drop its stale entry (nodeLabelScript).
 */
export function swarmJoinScript(address: string, leaderAddress: string): string {
  const managers = `sudo docker info --format '{{len .Swarm.RemoteManagers}}' 2>/dev/null || echo 0`;
  return [
    "set -eu",
    "read -r token",
    `state=$(${swarmState})`,
    `if [ "$state" = "active" ] && [ "$(${managers})" = 0 ]; then state=lost; fi`,
    `if [ "$state" != "active" ]; then`,
    `  if [ "$state" != "inactive" ]; then sudo docker swarm leave --force >/dev/null 2>&1 || true; fi`,
    // Through the Engine API with the token in the request body (printf is the shell's own): `docker swarm join --token`
    // would put it in a process list and in sudo's log on every joining board.
    // Its output: what the daemon answered on failure (--fail-with-body) and curl's own error; nothing on success.
    `  join() {`,
    `    printf '{"ListenAddr":"0.0.0.0:2377","AdvertiseAddr":"%s","DataPathAddr":"%s","RemoteAddrs":["%s:2377"],"JoinToken":"%s"}' \\`,
    `      ${address} ${address} ${leaderAddress} "$token" | sudo curl -sS --fail-with-body --max-time 120 --unix-socket /var/run/docker.sock \\`,
    `      -H 'Content-Type: application/json' -X POST --data-binary @- http://localhost/swarm/join 2>&1`,
    `  }`,
    // A busy manager answers "Timeout was reached before node joined" while the join goes on in the
    // background: wait for it; only a join that never became active is left and tried once more.
    `  if ! err=$(join); then`,
    `    for i in $(seq 1 60); do [ "$(${swarmState})" = "active" ] && break; sleep 1; done`,
    `    if [ "$(${swarmState})" != "active" ]; then`,
    `      sudo docker swarm leave --force >/dev/null 2>&1 || true; sleep 3`,
    `      if ! err2=$(join); then echo "swarm join of ${address} via ${leaderAddress} failed twice: $err / $err2" >&2; exit 1; fi`,
    `    fi`,
    `  fi`,
    `fi`,
    `sudo docker info --format '{{.Swarm.NodeID}}'`,
  ].join("\n");
}

/**
 * Leaving without breaking the managers' raft quorum: a manager first demotes itself (the
 * others keep a majority), waits until it is a worker, and only then leaves. The last
 * manager (the leader, on destroy) leaves with --force, which ends the swarm.
 */
export function swarmLeaveScript(role: "manager" | "worker" | "leader" = "worker"): string {
  if (role === "leader") return `sudo docker swarm leave --force >/dev/null 2>&1 || true`;
  return [
    `if [ "$(${swarmState})" = "active" ]; then`,
    ...(role === "manager" ? [
      `  self=$(sudo docker info --format '{{.Swarm.NodeID}}')`,
      `  sudo docker node demote "$self" >/dev/null 2>&1 || true`,
      `  for i in $(seq 1 30); do [ "$(sudo docker info --format '{{.Swarm.ControlAvailable}}')" = "false" ] && break; sleep 1; done`,
    ] : []),
    `  sudo docker swarm leave >/dev/null 2>&1 || sudo docker swarm leave --force >/dev/null 2>&1 || true`,
    `fi`,
  ].join("\n");
}

/**
 * Run on a manager: the node named `node` as the inventory wants it: its Ready entry with the
 * role, availability active and exactly the desired deskcluster.* labels; entries of the same
 * name that are not Ready (left behind by a rejoin) are removed.
 */
export function nodeLabelScript(node: string, labels: Record<string, string>, role: "manager" | "worker" = "worker", timeoutSeconds = 120): string {
  const add = Object.entries(labels).map(([k, v]) => `--label-add ${k}=${v}`).join(" ");
  const keep = Object.keys(labels).join(" ");
  const entries = `sudo docker node ls --format '{{.ID}} {{.Hostname}} {{.Status}}'`;
  return [
    "set -eu",
    `id=""; for i in $(seq 1 ${timeoutSeconds}); do id=$(${entries} | awk '$2=="${node}" && $3=="Ready" {print $1; exit}');`
      + ` [ -n "$id" ] && break; sleep 1; done`,
    `if [ -z "$id" ]; then echo "board ${node}: not Ready in the swarm after ${timeoutSeconds}s (docker node ls)" >&2; exit 1; fi`,
    // A manager's stale entry is still a raft member: demoted first, or the swarm refuses to remove it.
    `for old in $(${entries} | awk '$2=="${node}" && $3!="Ready" {print $1}'); do`
      + ` sudo docker node demote "$old" >/dev/null 2>&1 || true; sudo docker node rm --force "$old" >/dev/null; done`,
    `current=$(sudo docker node inspect "$id" --format '{{.Spec.Role}}')`,
    role === "manager"
      ? `if [ "$current" != manager ]; then sudo docker node promote "$id" >/dev/null; fi`
      : `if [ "$current" != worker ]; then sudo docker node demote "$id" >/dev/null; fi`,
    `stale=""; for k in $(sudo docker node inspect "$id" --format '{{range $k, $v := .Spec.Labels}}{{$k}} {{end}}'); do`,
    `  case " ${keep} " in *" $k "*) ;; *) case "$k" in deskcluster.*) stale="$stale --label-rm $k";; esac;; esac`,
    `done`,
    `sudo docker node update --availability active ${add} $stale "$id" >/dev/null`,
    `sudo docker node inspect "$id" --format '{{json .Spec.Labels}}'`,
  ].join("\n");
}

/**
 * Run on a manager when a board leaves the inventory (its services are gone by then): drained until none of its
 * tasks runs, demoted if a manager, and removed from the node list. The board then leaves by itself (swarmLeaveScript).
 */
export function nodeRemoveScript(node: string, timeoutSeconds = 120): string {
  const ids = `sudo docker node ls --format '{{.ID}} {{.Hostname}}' | awk '$2=="${node}" {print $1}'`;
  return [
    "set -eu",
    `self=$(sudo docker info --format '{{.Swarm.NodeID}}')`,
    `for id in $(${ids}); do`,
    // The manager running this is the one removing: on a destroy it is the last and leaves by itself.
    `  [ "$id" != "$self" ] || continue`,
    `  sudo docker node update --availability drain "$id" >/dev/null`,
    `  for i in $(seq 1 ${timeoutSeconds}); do [ -z "$(sudo docker node ps "$id" --filter desired-state=running -q 2>/dev/null)" ] && break; sleep 1; done`,
    `  if [ "$(sudo docker node inspect "$id" --format '{{.Spec.Role}}')" = manager ]; then sudo docker node demote "$id" >/dev/null; fi`,
    `  sudo docker node rm --force "$id" >/dev/null`,
    `done`,
  ].join("\n");
}

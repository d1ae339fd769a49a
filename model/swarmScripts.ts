// configgen: idempotent swarm scripts, run over SSH on the leader or on a joining board.
const swarmState = `sudo docker info --format '{{.Swarm.LocalNodeState}}'`;

export function swarmInitScript(address: string): string {
  return [
    "set -eu",
    `if [ "$(${swarmState})" != "active" ]; then sudo docker swarm init --advertise-addr ${address} --data-path-addr ${address} >/dev/null; fi`,
    `sudo docker info --format '{{.Swarm.NodeID}}'`,
  ].join("\n");
}

/** Prints the join tokens as JSON; the caller marks stdout secret and turns logging off. */
export const swarmTokensScript = [
  "set -eu",
  `printf '{"manager":"%s","worker":"%s"}' "$(sudo docker swarm join-token -q manager)" "$(sudo docker swarm join-token -q worker)"`,
].join("\n");

/** Reads the token from stdin, so it appears in no command line, log or process list. */
export function swarmJoinScript(address: string, leaderAddress: string): string {
  return [
    "set -eu",
    "read -r token",
    `if [ "$(${swarmState})" != "active" ]; then sudo docker swarm join --token "$token" --advertise-addr ${address} --data-path-addr ${address} ${leaderAddress}:2377 >/dev/null; fi`,
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

/** Sets exactly the desired deskcluster.* labels on a node, removing stale ones. */
export function nodeLabelScript(node: string, labels: Record<string, string>): string {
  const add = Object.entries(labels).map(([k, v]) => `--label-add ${k}=${v}`).join(" ");
  const keep = Object.keys(labels).join(" ");
  return [
    "set -eu",
    `for i in $(seq 1 60); do sudo docker node inspect ${node} >/dev/null 2>&1 && break; sleep 1; done`,
    `stale=""; for k in $(sudo docker node inspect ${node} --format '{{range $k, $v := .Spec.Labels}}{{$k}} {{end}}'); do`,
    `  case " ${keep} " in *" $k "*) ;; *) case "$k" in deskcluster.*) stale="$stale --label-rm $k";; esac;; esac`,
    `done`,
    `sudo docker node update ${add} $stale ${node} >/dev/null`,
    `sudo docker node inspect ${node} --format '{{json .Spec.Labels}}'`,
  ].join("\n");
}

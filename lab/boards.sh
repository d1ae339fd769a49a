#!/usr/bin/env bash
# deskcluster lab: the inventory's boards (lab1..lab4 of stacks/lab.yaml, or those of the file
# DESKCLUSTER_LAB_INVENTORY names) as twins of cards as flashed (lab/boards/raspberry-pi-os and
# lab/boards/armbian, chosen by each board's `os`): systemd, sshd, the first user the imager or
# Armbian's first login makes, host keys made at first boot, the board's RAM as its memory limit,
# no Docker yet. Then the user's part, as the README tells a user with real cards: preflight
# (read-only; its JSON kept in the lab folder) and bootstrap (the deploy user, host keys confirmed
# by the fingerprint read on the board's console, which is `docker exec` here).
# Flags follow shared/notes/lab-boards.md: never --privileged (fails here), ALWAYS --cgroupns=private
# (otherwise a board can create cgroup hierarchies on the host).
# usage: lab/boards.sh up [--as-flashed]|down|status|env [--name LAB]    (default LAB: deskcluster-lab)
#        lab/boards.sh wipe|remove BOARD [--name LAB]
# up --as-flashed: leave new boards as flashed (no bootstrap).
# wipe: the board's SD card died and a freshly flashed one replaces it (same name and address,
#   empty volumes, a NEW host key); remove: the board left the inventory, so it leaves the lab.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); ROOT=$(dirname "$HERE")
usage() { echo "usage: lab/boards.sh up|down|status|env [--name LAB] | wipe|remove BOARD [--name LAB]" >&2; exit 2; }
CMD=${1:-}; [ $# -gt 0 ] && shift
LAB=deskcluster-lab BOARD= AS_FLASHED=0
while [ $# -gt 0 ]; do
  case $1 in
    --name) LAB=${2:?}; shift 2 ;; --name=*) LAB=${1#*=}; shift ;;
    --as-flashed) AS_FLASHED=1; shift ;;
    -*) usage ;;
    *) case $CMD in wipe | remove) [ -z "$BOARD" ] || usage; BOARD=$1; shift ;; *) usage ;; esac ;;
  esac
done
case $CMD in wipe | remove) [ -n "$BOARD" ] || usage ;; esac
# BOARD ends up in rm -rf paths: only the inventory schema's board names get that far
[ -z "$BOARD" ] || [[ $BOARD =~ ^[a-z][a-z0-9-]{0,62}$ ]] || { echo "bad board name '$BOARD'" >&2; exit 2; }
# absolute, since inventory() reads it from $ROOT (where the yaml package resolves)
INV=${DESKCLUSTER_LAB_INVENTORY:-$ROOT/stacks/lab.yaml}; [[ $INV = /* ]] || INV=$PWD/$INV
DIR=${DESKCLUSTER_CACHE:-$HOME/.cache/deskcluster}/lab/$LAB
IMAGE=deskcluster/lab-board:bookworm # the twins build on it: deskcluster/lab-twin:<os>
LABEL=deskcluster.lab=$LAB
T0=$(date +%s%N)
log() { local ms=$((($(date +%s%N) - T0) / 1000000)); printf '[%s %d.%03ds] %s\n' "$LAB" $((ms / 1000)) $((ms % 1000)) "$*"; }
SSH=(ssh -i "$DIR/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=2 -o LogLevel=ERROR
  -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$DIR/known_hosts" -o GlobalKnownHostsFile=/dev/null)

# "name address os ramMb firstUser" per board and "admin address" from the inventory, the single source of truth
inventory() {
  [ -f "$INV" ] || { echo "inventory $INV not found" >&2; exit 1; }
  (cd "$ROOT" && npx --no-install ts-node --transpile-only -e 'const d = require("yaml").parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const { osOf } = require("./model/operatingSystems"); const { boardModel } = require("./model/catalog");
    console.log("admin", d.admin.address);
    for (const b of d.boards) console.log(b.name, b.interfaces[0].address, osOf(b), boardModel(b.model).ramMb ?? b.ramMb,
      b.firstUser ?? b.sshUser ?? d.ssh?.user ?? "pi");' "$INV")
}
# What down must find unchanged: the host's cgroup mounts and the hierarchy of each controller
cgroups() { ls /sys/fs/cgroup; awk 'NR > 1 {print $1, "hierarchy", $2}' /proc/cgroups; }

# What the imager (Raspberry Pi OS) or Armbian's first-login preset leaves on a card for its first
# boot: the first user, its password, the admin's key; sudo without a password on Raspberry Pi OS only.
firstboot() { # container os user
  local env; env=$(mktemp -d)
  { echo "FIRST_USER=$3"; echo "FIRST_PASSWORD='$(cat "$DIR/first-password")'"
    echo "FIRST_KEY='$(cat "$DIR/id_ed25519.pub")'"
    [ "$2" = armbian ] && echo FIRST_SUDO=password || echo FIRST_SUDO=nopasswd; } >"$env/firstboot.env"
  tar -C "$env" --owner=0 --group=0 --mode=600 -cf - firstboot.env | docker cp -a - "$1:/etc/deskcluster-twin/"
  rm -rf "$env"
}
# The host key a board made at its first boot, read on its console (docker exec), as a user reads it on the board's screen.
console_key() { # container dir
  local end=$((SECONDS + 60))
  until docker exec "$1" test -s /etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null; do
    [ $SECONDS -lt $end ] || { echo "$1: no host key after 60s" >&2; return 1; }; sleep 0.2
  done
  mkdir -p "$2"
  docker exec "$1" cat /etc/ssh/ssh_host_ed25519_key.pub >"$2/ssh_host_ed25519_key.pub"
  # the private half too, only because the previous release's lab script checks that it is there
  (umask 077; docker exec "$1" cat /etc/ssh/ssh_host_ed25519_key >"$2/ssh_host_ed25519_key")
}

up() {
  bash "$HERE/engine.sh"
  bash "$HERE/base.sh" bookworm
  docker build -q -t "$IMAGE" "$HERE/boards" >/dev/null 2>&1 || docker build -t "$IMAGE" "$HERE/boards"
  local os
  for os in raspberry-pi-os armbian; do
    docker build -q -t "deskcluster/lab-twin:$os" "$HERE/boards/$os" >/dev/null 2>&1 || docker build -t "deskcluster/lab-twin:$os" "$HERE/boards/$os"
  done
  log "images $IMAGE and its twins ready"
  mkdir -p "$DIR/hostkeys" && chmod 700 "$DIR"
  [ -f "$DIR/cgroups.before" ] || cgroups >"$DIR/cgroups.before"
  local inv gw; inv=$(inventory); gw=$(awk '$1 == "admin" {print $2}' <<<"$inv")

  if ! docker network inspect "$LAB" >/dev/null 2>&1; then
    docker network create --label "$LABEL" --subnet "${gw%.*}.0/24" --gateway "$gw" "$LAB" >/dev/null
    log "network $LAB ${gw%.*}.0/24 created"
  elif [ "$(docker network inspect -f '{{index .Labels "deskcluster.lab"}}' "$LAB")" != "$LAB" ]; then
    echo "network $LAB exists but is not this lab's; refusing to use it" >&2; exit 1
  fi
  [ -f "$DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "deskcluster@$LAB" -f "$DIR/id_ed25519"
  # The password the user typed into the imager or at Armbian's first login: the lab's, in its 0700 folder.
  [ -s "$DIR/first-password" ] || (umask 077; openssl rand -base64 18 | tr -d '/+=\n' >"$DIR/first-password")

  local b ip ram first c kd state created=(); : >"$DIR/known_hosts"
  while read -r b ip os ram first; do
    [ "$b" = admin ] && continue
    c=$LAB-$b kd=$DIR/hostkeys/$b
    state=$(docker container inspect -f '{{.State.Running}}' "$c" 2>/dev/null) || state=none
    case $state in
      true) log "$b: running" ;;
      false) docker start "$c" >/dev/null; log "$b: started" ;;
      none)
        for v in docker data; do docker volume create --label "$LABEL" "$c-$v" >/dev/null; done
        # --memory: the board's RAM, so a memory budget is put to the test; no swap beyond it.
        docker create --name "$c" --hostname "$b" --label "$LABEL" --label "deskcluster.board=$b" --label "deskcluster.os=$os" \
          --network "$LAB" --ip "$ip" --cgroupns=private --memory "${ram}m" --memory-swap "${ram}m" \
          --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined \
          --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
          --device-cgroup-rule 'a *:* rwm' --tmpfs /run --tmpfs /tmp \
          -v "$c-docker:/var/lib/docker" -v "$c-data:/var/lib/deskcluster" "deskcluster/lab-twin:$os" >/dev/null
        firstboot "$c" "$os" "$first"; docker start "$c" >/dev/null; created+=("$b"); log "$b: flashed with $os, ${ram} MB, at $ip" ;;
      *) echo "$c: unexpected state '$state'" >&2; exit 1 ;;
    esac
    console_key "$c" "$kd"
    echo "$b,$ip $(cut -d' ' -f1,2 "$kd/ssh_host_ed25519_key.pub")" >>"$DIR/known_hosts"
  done <<<"$inv"

  (cd "$DIR" && node -e 'const fs = require("fs"); const k = {};
    for (const b of process.argv.slice(1)) k[b] = fs.readFileSync(`hostkeys/${b}/ssh_host_ed25519_key.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    fs.writeFileSync("hostkeys.json", JSON.stringify(k, null, 2) + "\n");' $(awk '$1 != "admin" {print $1}' <<<"$inv"))

  # all boards boot at once; each must accept the lab key for its first user AND present the key its console shows
  local pids=() fail=0
  while read -r b ip os ram first; do
    [ "$b" = admin ] && continue
    (end=$((SECONDS + 60))
     until "${SSH[@]}" "$first@$ip" true 2>"$DIR/.ssh-$b.err"; do
       [ $SECONDS -lt $end ] || { echo "$b: no ssh after 60s: $(cat "$DIR/.ssh-$b.err")" >&2; exit 1; }; sleep 0.2
     done; log "$b: ssh ok ($first@$ip, host key verified)") & pids+=($!)
  done <<<"$inv"
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  rm -f "$DIR"/.ssh-*.err; [ "$fail" = 0 ] || exit 1
  log "up: ${#pids[@]} boards ready; files in $DIR"
  [ "${#created[@]}" -gt 0 ] && [ "$AS_FLASHED" = 0 ] || return 0
  # The user's part for the cards just flashed: read them, then first contact.
  local only=() fps=() rc
  for b in "${created[@]}"; do
    only+=(--board "$b")
    fps+=(--fingerprint "$b=$(ssh-keygen -lf "$DIR/hostkeys/$b/ssh_host_ed25519_key.pub" | awk '{print $2}')")
  done
  (cd "$ROOT" && npx --no-install ts-node --transpile-only cli/preflight.ts "$INV" --first-contact --identity "$DIR/id_ed25519" \
    "${only[@]}" "${fps[@]}" --json >"$DIR/preflight-as-flashed.json") && rc=0 || rc=$?
  echo "$rc" >"$DIR/preflight-as-flashed.rc" # non-zero: problems found, as on every card as flashed
  (cd "$ROOT" && node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`preflight of the cards as flashed: ${r.problems} problems on ${r.boards.length} boards in ${r.seconds} s`);' \
    "$DIR/preflight-as-flashed.json")
  (cd "$ROOT" && npx --no-install ts-node --transpile-only cli/bootstrap.ts "$INV" --no-save --identity "$DIR/id_ed25519" \
    --deploy-key "$DIR/id_ed25519" --password-file "$DIR/first-password" --host-keys-out /dev/null "${only[@]}" "${fps[@]}")
  log "bootstrap: the deploy user on ${created[*]}"
}

down() {
  local before ids vols nets id left
  if [ -f "$DIR/cgroups.before" ]; then before=$(cat "$DIR/cgroups.before"); else before=$(cgroups); fi
  ids=$(docker ps -aq --no-trunc --filter "label=$LABEL")
  # graceful stop (SIGRTMIN+3: systemd shuts the board's own dockerd and containers down) first
  [ -z "$ids" ] || { docker stop -t 30 $ids >/dev/null; docker rm -f $ids >/dev/null; }
  log "containers removed: $(wc -w <<<"$ids")"
  vols=$(docker volume ls -q --filter "label=$LABEL"); [ -z "$vols" ] || docker volume rm $vols >/dev/null
  nets=$(docker network ls -q --filter "label=$LABEL"); [ -z "$nets" ] || docker network rm $nets >/dev/null
  log "volumes removed: $(wc -w <<<"$vols"), networks removed: $(wc -w <<<"$nets")"
  rm -rf "$DIR"
  left=$(for id in $ids; do ls -d /sys/fs/cgroup/*/docker/"$id" 2>/dev/null || true; done)
  if [ "$before" = "$(cgroups)" ] && [ -z "$left" ]; then
    log "down: host cgroups unchanged ($(ls /sys/fs/cgroup | wc -l) mounts, no board cgroups left)"
  else
    echo "down: host cgroups CHANGED:" >&2; diff <(echo "$before") <(cgroups) >&2 || true; echo "$left" >&2; exit 1
  fi
}

# Stop and delete one board: container (gracefully, as down does), both volumes, host key folder.
# Prints what it removed; fails if the board's cgroups outlive its container.
drop() {
  local c=$LAB-$1 id vol left removed=()
  if id=$(docker container inspect -f '{{.Id}}' "$c" 2>/dev/null); then
    # the name alone could be another lab's container (a LAB that is a prefix of another's)
    [ "$(docker container inspect -f '{{index .Config.Labels "deskcluster.lab"}}' "$c")" = "$LAB" ] ||
      { echo "$c exists but is not this lab's; refusing to remove it" >&2; exit 1; }
    docker stop -t 30 "$c" >/dev/null; docker rm -f "$c" >/dev/null; removed+=("container ${id:0:12}")
    left=$(ls -d /sys/fs/cgroup/*/docker/"$id" 2>/dev/null || true)
    [ -z "$left" ] || { echo "$c: cgroups left after removal:" >&2; echo "$left" >&2; exit 1; }
  fi
  for vol in "$c-docker" "$c-data"; do
    docker volume inspect "$vol" >/dev/null 2>&1 || continue
    [ "$(docker volume inspect -f '{{index .Labels "deskcluster.lab"}}' "$vol")" = "$LAB" ] ||
      { echo "volume $vol exists but is not this lab's; refusing to remove it" >&2; exit 1; }
    docker volume rm "$vol" >/dev/null; removed+=("volume $vol")
  done
  [ ! -d "$DIR/hostkeys/$1" ] || { rm -rf "${DIR:?}/hostkeys/$1"; removed+=("host key"); }
  echo "${removed[*]}"
}

wipe() {
  local ip what inv; inv=$(inventory)
  ip=$(awk -v b="$BOARD" '$1 == b && b != "admin" {print $2}' <<<"$inv")
  [ -n "$ip" ] || { echo "wipe: $BOARD is not a board of $INV" >&2; exit 1; }
  docker container inspect "$LAB-$BOARD" >/dev/null 2>&1 || { echo "wipe: no container $LAB-$BOARD (lab $LAB not up?)" >&2; exit 1; }
  what=$(drop "$BOARD"); log "$BOARD: wiped ($what)"
  # up recreates exactly the boards that are missing, with the same flags, name and address
  up
}

remove() {
  local what inv; inv=$(inventory) # read first: inside the if below its failure would pass for "not listed"
  # still listed, the next up would bring it straight back: take it out of the inventory first
  if awk -v b="$BOARD" '$1 == b && b != "admin" {f = 1} END {exit !f}' <<<"$inv"; then
    echo "remove: $BOARD is still a board of $INV; take it out first (or wipe it)" >&2; exit 1
  fi
  what=$(drop "$BOARD")
  if [ -f "$DIR/known_hosts" ] && grep -q "^$BOARD," "$DIR/known_hosts"; then
    grep -v "^$BOARD," "$DIR/known_hosts" >"$DIR/known_hosts.new" || true; mv "$DIR/known_hosts.new" "$DIR/known_hosts"
    what="$what known_hosts"
  fi
  if [ -f "$DIR/hostkeys.json" ] && (cd "$DIR" && node -e 'const fs = require("fs"); const k = JSON.parse(fs.readFileSync("hostkeys.json", "utf8"));
      if (!(process.argv[1] in k)) process.exit(1); delete k[process.argv[1]];
      fs.writeFileSync("hostkeys.json", JSON.stringify(k, null, 2) + "\n");' "$BOARD"); then
    what="$what hostkeys.json"
  fi
  [ -n "${what// /}" ] || { echo "remove: lab $LAB has no board $BOARD" >&2; exit 1; }
  log "$BOARD: removed (${what# })"
}

status() {
  echo "containers:"; docker ps -a --filter "label=$LABEL" --format '  {{.Names}}\t{{.Status}}'
  for c in $(docker ps -aq --filter "label=$LABEL"); do
    docker inspect -f '  {{.Config.Hostname}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c"
  done
  echo "volumes:"; docker volume ls -q --filter "label=$LABEL" | sed 's/^/  /'
  echo "networks:"; docker network ls --filter "label=$LABEL" --format '{{.Name}} {{.ID}}' | sed 's/^/  /'
  echo "cache: $DIR $([ -d "$DIR" ] && echo present || echo absent)"
}

env() {
  [ -f "$DIR/hostkeys.json" ] || { echo "lab $LAB is not up (no $DIR/hostkeys.json)" >&2; exit 1; }
  printf 'export DESKCLUSTER_LAB=%q\n' "$LAB"
  printf 'export DESKCLUSTER_LAB_DIR=%q\n' "$DIR"
  printf 'export DESKCLUSTER_LAB_SSH_KEY=%q\n' "$DIR/id_ed25519"
  printf 'export DESKCLUSTER_LAB_KNOWN_HOSTS=%q\n' "$DIR/known_hosts"
  printf 'export DESKCLUSTER_LAB_HOSTKEYS=%q\n' "$DIR/hostkeys.json"
}

case $CMD in up | down | status | env | wipe | remove) "$CMD" ;; *) usage ;; esac

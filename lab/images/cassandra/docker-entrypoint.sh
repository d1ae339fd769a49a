#!/bin/bash
# deskcluster/cassandra entrypoint: the environment contract of the official `cassandra:4.0`
# image, so the same Pulumi program drives the lab image and the official one.
#
#   CASSANDRA_CLUSTER_NAME, CASSANDRA_SEEDS (default: own broadcast address),
#   CASSANDRA_LISTEN_ADDRESS (default auto = first non-loopback IPv4), CASSANDRA_BROADCAST_ADDRESS,
#   CASSANDRA_BROADCAST_RPC_ADDRESS, CASSANDRA_RPC_ADDRESS (default 0.0.0.0), CASSANDRA_NUM_TOKENS,
#   CASSANDRA_ENDPOINT_SNITCH, CASSANDRA_DC / CASSANDRA_RACK (cassandra-rackdc.properties),
#   MAX_HEAP_SIZE + HEAP_NEWSIZE (as a pair, see cassandra-env.sh), JVM_EXTRA_OPTS.
#
# The CASSANDRA_* values are written into $CASSANDRA_CONF/cassandra.yaml. When JVM_EXTRA_OPTS
# carries -Dcassandra.config=file:///... (a fully rendered, mounted cassandra.yaml, for example
# with PasswordAuthenticator), Cassandra reads that file instead and it wins; the rack/dc
# properties still come from $CASSANDRA_CONF.
set -e

# first arg is `-f` or `--some-option`: run cassandra with them
if [ "${1:0:1}" = '-' ]; then
  set -- cassandra -f "$@"
fi

_ip_address() {
  # first non-loopback, non-link-local IPv4 (in swarm mode the container IP comes before a VIP)
  ip address | awk '
    $1 != "inet" { next }
    $NF == "lo" { next }
    $2 ~ /^127[.]/ { next }
    $2 ~ /^169\.254\./ { next }
    { gsub(/\/.+$/, "", $2); print $2; exit }
  '
}

_sed_in_place() {
  # sed -i on a copy, so a file bind-mounted over $CASSANDRA_CONF/... is rewritten in place
  local file=$1; shift
  local tmp; tmp=$(mktemp)
  sed "$@" "$file" >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

# allow the container to be started with `--user`
if [ "$1" = 'cassandra' ] && [ "$(id -u)" = '0' ]; then
  find "$CASSANDRA_CONF" /var/lib/cassandra /var/log/cassandra \! -user cassandra \
    -exec chown cassandra:cassandra '{}' + 2>/dev/null || true
  exec setpriv --reuid=cassandra --regid=cassandra --init-groups \
    env HOME=/home/cassandra "${BASH_SOURCE[0]}" "$@"
fi

if [ "$1" = 'cassandra' ]; then
  : "${CASSANDRA_RPC_ADDRESS=0.0.0.0}"

  : "${CASSANDRA_LISTEN_ADDRESS=auto}"
  if [ "$CASSANDRA_LISTEN_ADDRESS" = 'auto' ]; then
    CASSANDRA_LISTEN_ADDRESS=$(_ip_address)
  fi

  : "${CASSANDRA_BROADCAST_ADDRESS=$CASSANDRA_LISTEN_ADDRESS}"
  if [ "$CASSANDRA_BROADCAST_ADDRESS" = 'auto' ]; then
    CASSANDRA_BROADCAST_ADDRESS=$(_ip_address)
  fi
  : "${CASSANDRA_BROADCAST_RPC_ADDRESS:=$CASSANDRA_BROADCAST_ADDRESS}"

  if [ -n "${CASSANDRA_NAME:+1}" ]; then
    : "${CASSANDRA_SEEDS:=cassandra}"
  fi
  : "${CASSANDRA_SEEDS:=$CASSANDRA_BROADCAST_ADDRESS}"

  yaml=$CASSANDRA_CONF/cassandra.yaml
  _sed_in_place "$yaml" -r 's/(- seeds:).*/\1 "'"$CASSANDRA_SEEDS"'"/'

  for key in broadcast_address broadcast_rpc_address cluster_name endpoint_snitch \
             listen_address num_tokens rpc_address start_rpc; do
    var="CASSANDRA_${key^^}"
    val="${!var}"
    if [ "$val" ]; then
      _sed_in_place "$yaml" -r 's/^(# )?('"$key"':).*/\2 '"$val"'/'
    fi
  done

  for rackdc in dc rack; do
    var="CASSANDRA_${rackdc^^}"
    val="${!var}"
    if [ "$val" ]; then
      _sed_in_place "$CASSANDRA_CONF/cassandra-rackdc.properties" -r 's/^('"$rackdc"'=).*/\1'"$val"'/'
    fi
  done

  case " ${JVM_EXTRA_OPTS:-} " in
    *" -Dcassandra.config="*)
      cfg=${JVM_EXTRA_OPTS##*-Dcassandra.config=}; cfg=${cfg%% *}
      echo "deskcluster: cassandra.yaml from $cfg (JVM_EXTRA_OPTS); CASSANDRA_* yaml settings above do not apply to it" >&2
      f=${cfg#file://}
      if [ "${cfg#file://}" != "$cfg" ] && [ ! -r "$f" ]; then
        echo "deskcluster: $f is not readable" >&2
        exit 1
      fi
      ;;
  esac
fi

exec "$@"

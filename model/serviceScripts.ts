// configgen: scripts that wait for, or configure, a service container on its own board.
import { cassandraPorts } from "./cassandraConfig";

/** The running task container of a swarm service on this board. */
export function containerOf(service: string): string {
  return `$(sudo docker ps -q --filter label=com.docker.swarm.service.name=${service} | head -n 1)`;
}

/** Blocks until this node reports Up/Normal, so the next node joins only after it (one at a time). */
export function cassandraWaitNormalScript(service: string, address: string, timeoutSeconds = 900): string {
  return [
    "set -eu",
    `end=$(( $(date +%s) + ${timeoutSeconds} ))`,
    `while :; do`,
    `  ctr=${containerOf(service)}`,
    `  if [ -n "$ctr" ] && sudo docker exec "$ctr" nodetool status 2>/dev/null | grep -Eq "^UN +${address.replace(/\./g, "\\.")} "; then break; fi`,
    `  if [ "$(date +%s)" -gt "$end" ]; then echo "cassandra ${service}: ${address} not Up/Normal after ${timeoutSeconds}s" >&2; exit 1; fi`,
    `  sleep 5`,
    `done`,
    `echo "${address} UN"`,
  ].join("\n");
}

/**
 * Turns on authentication for real: system_auth replicated across racks, and the default
 * superuser's well-known password replaced by the secret one, read from stdin.
 */
export function cassandraAuthScript(service: string, address: string, datacenter: string, replication: number): string {
  const cql = (user: string, pw: string) => `sudo docker exec -i "$ctr" cqlsh ${address} ${cassandraPorts.cql} -u ${user} -p "${pw}"`;
  return [
    "set -eu",
    "read -r pw",
    `ctr=${containerOf(service)}`,
    `if echo "SELECT role FROM system_auth.roles LIMIT 1;" | ${cql("cassandra", "$pw")} >/dev/null 2>&1; then echo "auth already set"; exit 0; fi`,
    `printf "%s\\n" "ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '${datacenter}': ${replication}};" "ALTER ROLE cassandra WITH PASSWORD = '$pw';" | ${cql("cassandra", "cassandra")}`,
    // Nodes cache credentials for a while (credentials_validity_in_ms): done means usable.
    `for i in $(seq 1 60); do`,
    `  if echo "SELECT role FROM system_auth.roles LIMIT 1;" | ${cql("cassandra", "$pw")} >/dev/null 2>&1; then echo "auth set"; exit 0; fi`,
    `  sleep 1`,
    `done`,
    `echo "cassandra: the new superuser password is still refused after 60s" >&2; exit 1`,
  ].join("\n");
}

/**
 * Blocks until the KRaft cluster serves clients: the broker container runs, answers on its
 * listener, and sees every broker of the plan (so a topic with replication N can be made).
 */
export function kafkaWaitReadyScript(service: string, bootstrap: string, brokers: number, timeoutSeconds = 600): string {
  return [
    "set -eu",
    `end=$(( $(date +%s) + ${timeoutSeconds} ))`,
    `while :; do`,
    `  ctr=${containerOf(service)}`,
    `  if [ -n "$ctr" ]; then`,
    `    n=$(sudo docker exec "$ctr" kafka-broker-api-versions --bootstrap-server ${bootstrap} 2>/dev/null | grep -c '(id: ' || true)`,
    `    [ "$n" -ge ${brokers} ] && break`,
    `  fi`,
    `  if [ "$(date +%s)" -gt "$end" ]; then echo "kafka ${service}: ${brokers} brokers not reachable through ${bootstrap} after ${timeoutSeconds}s (saw \${n:-0})" >&2; exit 1; fi`,
    `  sleep 3`,
    `done`,
    `echo "kafka: ${brokers} brokers up"`,
  ].join("\n");
}

/** Runs CQL statements as the superuser, whose password arrives on stdin (never in argv). */
export function cqlScript(service: string, address: string, statements: readonly string[]): string {
  return [
    "set -eu",
    "read -r pw",
    `ctr=${containerOf(service)}`,
    `cat <<'DESKCLUSTER_CQL' | sudo docker exec -i "$ctr" cqlsh ${address} ${cassandraPorts.cql} -u cassandra -p "$pw"`,
    ...statements,
    "DESKCLUSTER_CQL",
    `echo "cql: ${statements.length} statements applied"`,
  ].join("\n");
}

/** Blocks until an HTTP endpoint on this board answers 200 (readiness probes of Stargate). */
export function httpWaitScript(url: string, what: string, timeoutSeconds = 600): string {
  return [
    "set -eu",
    `end=$(( $(date +%s) + ${timeoutSeconds} ))`,
    `until curl -fsS -o /dev/null ${url} 2>/dev/null || wget -q -O /dev/null ${url} 2>/dev/null; do`,
    `  if [ "$(date +%s)" -gt "$end" ]; then echo "${what}: ${url} not ready after ${timeoutSeconds}s" >&2; exit 1; fi`,
    `  sleep 5`,
    `done`,
    `echo "${what} ready"`,
  ].join("\n");
}

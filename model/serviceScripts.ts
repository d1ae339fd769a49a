// configgen: scripts that wait for, or configure, a service container on its own board.
import { cassandraPorts } from "./cassandraConfig";

/** The running task container of a swarm service on this board. */
export function containerOf(service: string): string {
  return `$(sudo docker ps -q --filter label=com.docker.swarm.service.name=${service} | head -n 1)`;
}

/**
 * Lines that give the task container a cqlshrc with the superuser password from shell
 * variable `pw` (printf is a builtin: the password is in no command line on the board),
 * and the cqlsh invocation that uses it. The file is removed when the script exits.
 */
function superuserCqlsh(address: string): { setup: string[]; cqlsh: string } {
  const rc = "/tmp/.deskcluster-cqlshrc";
  return {
    setup: [
      `printf '[authentication]\\nusername = cassandra\\npassword = %s\\n' "$pw" | sudo docker exec -i "$ctr" sh -c 'umask 077; cat > ${rc}'`,
      `trap 'sudo docker exec "$ctr" rm -f ${rc} >/dev/null 2>&1 || true' EXIT`,
    ],
    cqlsh: `sudo docker exec -i "$ctr" cqlsh --cqlshrc ${rc} ${address} ${cassandraPorts.cql}`,
  };
}

/**
 * Turns on authentication for real: system_auth replicated across racks, and the default
 * superuser's well-known password replaced by the secret one, read from stdin.
 */
export function cassandraAuthScript(service: string, address: string, datacenter: string, replication: number, timeoutSeconds = 300): string {
  const su = superuserCqlsh(address);
  const defaultLogin = `sudo docker exec -i "$ctr" cqlsh -u cassandra -p cassandra ${address} ${cassandraPorts.cql}`;
  // The default superuser appears some seconds after the ring is up, and nodes cache
  // credentials (credentials_validity_in_ms): so retry until the new password really works.
  return [
    "set -eu",
    "read -r pw",
    `ctr=${containerOf(service)}`,
    ...su.setup,
    `end=$(( $(date +%s) + ${timeoutSeconds} ))`,
    `while :; do`,
    `  if echo "SELECT role FROM system_auth.roles LIMIT 1;" | ${su.cqlsh} >/dev/null 2>&1; then echo "auth set"; exit 0; fi`,
    // The new password travels inside the CQL on stdin, never on a command line.
    `  err=$(printf "%s\\n" "ALTER KEYSPACE system_auth WITH replication = {'class': 'NetworkTopologyStrategy', '${datacenter}': ${replication}};"`
      + ` "ALTER ROLE cassandra WITH PASSWORD = '$pw';" | ${defaultLogin} 2>&1 >/dev/null) || true`,
    `  if [ "$(date +%s)" -gt "$end" ]; then echo "cassandra: superuser password not set after ${timeoutSeconds}s: $(echo "$err" | tail -n 1)" >&2; exit 1; fi`,
    `  sleep 2`,
    `done`,
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
    `  if [ "$(date +%s)" -gt "$end" ]; then`
      + ` echo "kafka ${service}: ${brokers} brokers not reachable through ${bootstrap} after ${timeoutSeconds}s (saw \${n:-0})" >&2; exit 1; fi`,
    `  sleep 3`,
    `done`,
    `echo "kafka: ${brokers} brokers up"`,
  ].join("\n");
}

/** Runs CQL statements as the superuser, whose password arrives on stdin (never in argv). */
export function cqlScript(service: string, address: string, statements: readonly string[]): string {
  const su = superuserCqlsh(address);
  return [
    "set -eu",
    "read -r pw",
    `ctr=${containerOf(service)}`,
    ...su.setup,
    `cat <<'DESKCLUSTER_CQL' | ${su.cqlsh}`,
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

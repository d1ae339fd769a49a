// configgen for the rolling plan's checks and actions: one shell command each, run on a board
// over SSH, that exits 0 exactly when the check holds. Pure strings, tested without a board.
import { Action, Check } from "./rollPlan";
import { cassandraPorts } from "./cassandraConfig";
import { containerOf } from "./serviceScripts";

const inContainer = (service: string, command: string) => `ctr=${containerOf(service)}; [ -n "$ctr" ] && sudo docker exec "$ctr" ${command}`;
const escaped = (address: string) => address.replace(/\./g, "\\.");
/** A script run by `sh -c` inside the service's container (several Kafka tools, files in the container's /tmp). */
const shInContainer = (service: string, script: string) => inContainer(service, `sh -c '${script.replace(/'/g, "'\\''")}'`);

/** Kafka 3.9's `describe --replication` table: every voter's Lag column at most `maxLag`. */
function quorumCaughtUp(bootstrap: string, maxLag: number): string {
  return `kafka-metadata-quorum --bootstrap-server ${bootstrap} describe --replication 2>/dev/null`
    + ` | awk 'NR==1 {for (i = 1; i <= NF; i++) if ($i == "Lag") c = i; next} c && $NF ~ /Leader|Follower/ {n++; if ($c > ${maxLag}) bad = 1}`
    + ` END {exit (c && n > 0 && !bad) ? 0 : 1}'`;
}

/**
 * A TCP connect to a port from the board's shell, a millisecond where a JVM tool costs seconds of
 * CPU: each wait tries it first, so a node still starting is not slowed by its own health checks.
 * Cassandra opens CQL only once it has joined the ring, and a broker its listener once it runs.
 */
export const listening = (address: string, port: number | string): string => `timeout 2 bash -c ': </dev/tcp/${address}/${port}' 2>/dev/null`;
const cqlListening = (address: string) => listening(address, cassandraPorts.cql);
/** The first broker of a bootstrap list (host:port,...). */
const brokerListening = (bootstrap: string) => {
  const [host, port] = bootstrap.split(",")[0].split(":");
  return listening(host, port);
};

/** The check runs only once its gate holds: `gate && { check; }`. */
const gated = (gate: string, check: string) => `${gate} && { ${check}; }`;

export function checkScript(c: Check): string | undefined {
  switch (c.kind) {
    case "task-replaced": return undefined; // asked through the swarm API, not a shell
    case "cassandra-up-normal":
      return gated(cqlListening(c.address), `${inContainer(c.service, "nodetool status")} 2>/dev/null | grep -Eq "^UN +${escaped(c.address)} "`);
    case "cassandra-serves-cql":
      return gated(cqlListening(c.address), `[ "$(${inContainer(c.service, "nodetool statusbinary")} 2>/dev/null)" = running ]`);
    case "kafka-fully-replicated": {
      const describe = inContainer(c.service, `kafka-topics --bootstrap-server ${c.bootstrap} --describe --under-replicated-partitions`);
      return gated(brokerListening(c.bootstrap), `out=$(${describe} 2>/dev/null) && [ -z "$(echo "$out" | tr -d '[:space:]')" ]`);
    }
    case "kafka-quorum-caught-up":
      return gated(brokerListening(c.bootstrap), shInContainer(c.service, quorumCaughtUp(c.bootstrap, 100)));
    case "kafka-brokers-registered": {
      const versions = inContainer(c.service, `kafka-broker-api-versions --bootstrap-server ${c.bootstrap}`);
      return gated(brokerListening(c.bootstrap), `n=$(${versions} 2>/dev/null | grep -c '(id: ' || true); [ "\${n:-0}" -ge ${c.count} ]`);
    }
    case "cassandra-left":
      return `out=$(${inContainer(c.service, "nodetool status")} 2>/dev/null) && ! echo "$out" | grep -Eq "^[UD][NLJM] +${escaped(c.address)} "`;
    case "kafka-broker-empty":
      return `out=$(${inContainer(c.service, `kafka-topics --bootstrap-server ${c.bootstrap} --describe`)} 2>/dev/null) && echo "$out" | awk `
        + `'{for (i = 1; i < NF; i++) if ($i == "Replicas:") {n = split($(i + 1), r, ","); for (j = 1; j <= n; j++) if (r[j] == "${c.nodeId}") bad = 1}}`
        + ` END {exit bad ? 1 : 0}'`;
    case "kafka-reassignment-done":
      return `${inContainer(c.service, `kafka-reassign-partitions --bootstrap-server ${c.bootstrap} --list`)} 2>/dev/null`
        + ` | grep -q "No partition reassignments"`;
  }
}

/** The topics a reassignment moves, one per line: the named ones, or every topic with a replica on broker `off`. */
function topicsToMove(bootstrap: string, topics: readonly string[] | "all", off?: number): string {
  if (topics !== "all") return `printf '%s\\n' ${topics.join(" ")}`;
  return `kafka-topics --bootstrap-server ${bootstrap} --describe | awk '{t = ""; for (i = 1; i < NF; i++) if ($i == "Topic:") t = $(i + 1);`
    + ` for (i = 1; i < NF; i++) if ($i == "Replicas:") {n = split($(i + 1), r, ","); for (j = 1; j <= n; j++) if (r[j] == "${off}") print t}}' | sort -u`;
}

/**
 * Kafka's own tool proposes the assignment (rack-aware, replication kept) for the topics over the brokers, and starts
 * it; nothing to move is not an error. The checks after the step wait until it is done.
 */
function reassignScript(bootstrap: string, topics: readonly string[] | "all", brokers: readonly number[], off?: number): string {
  const tool = `kafka-reassign-partitions --bootstrap-server ${bootstrap}`;
  return [
    "set -e; cd /tmp",
    `topics=$(${topicsToMove(bootstrap, topics, off)})`,
    `[ -n "$topics" ] || exit 0`,
    `printf '{"version":1,"topics":[%s]}' "$(for t in $topics; do printf '{"topic":"%s"},' "$t"; done | sed 's/,$//')" > deskcluster-move.json`,
    `${tool} --topics-to-move-json-file deskcluster-move.json --broker-list ${brokers.join(",")} --generate > deskcluster-generated.txt`,
    `sed -n '/Proposed partition reassignment configuration/{n;p;}' deskcluster-generated.txt > deskcluster-plan.json`,
    `[ -s deskcluster-plan.json ] || { cat deskcluster-generated.txt >&2; exit 1; }`,
    `${tool} --reassignment-json-file deskcluster-plan.json --execute >/dev/null`,
  ].join("\n");
}

export function actionScript(a: Action): string {
  switch (a.kind) {
    // Flushes memtables and stops taking writes, so the restart replays no commit log.
    case "cassandra-drain": return `${inContainer(a.service, "nodetool drain")} >/dev/null 2>&1 || true`;
    // Blocks until the node's ranges are streamed to the others (minutes with data); the checks after confirm it left.
    case "cassandra-decommission": return `${inContainer(a.service, "nodetool decommission")}`;
    // Blocks until the other replicas streamed the removed node's ranges; a node the ring lists no more is done already.
    case "cassandra-removenode": return shInContainer(a.service, removeNodeScript(a.address));
    case "kafka-reassign": return shInContainer(a.service, reassignScript(a.bootstrap, a.topics, a.brokers, a.off));
    case "kafka-unregister": return `${inContainer(a.service, `kafka-cluster unregister --bootstrap-server ${a.bootstrap} --id ${a.nodeId}`)}`;
  }
}

/** The host id `nodetool removenode` takes, found by address in `nodetool status` (the load column may be one word or two). */
export function removeNodeScript(address: string): string {
  return [
    `id=$(nodetool status | awk -v a=${address} '$2 == a { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9a-f]+(-[0-9a-f]+)+$/ && length($i) == 36) print $i }')`,
    `[ -n "$id" ] || exit 0`,
    `nodetool removenode "$id"`,
  ].join("\n");
}

/** The ring as one node sees it: `nodetool status` lines, address to state (UN, DN, UJ, UL, ...). */
export function ringStatusScript(service: string): string {
  return `${inContainer(service, "nodetool status")} 2>/dev/null`;
}

export function parseRingStatus(out: string): Map<string, string> {
  return new Map([...out.matchAll(/^([UD][NLJM])\s+(\S+)\s/gm)].map((m) => [m[2], m[1]]));
}

/** Written on the board's data folder once the node is a member with its data: a freshly flashed board has none. */
export const memberMarkScript = (path: string): string => `sudo mkdir -p "$(dirname '${path}')" && sudo touch '${path}'`;
export const memberMarkedScript = (path: string): string => `[ -f '${path}' ]`;

// configgen for the rolling plan's checks and actions: one shell command each, run on a board
// over SSH, that exits 0 exactly when the check holds. Pure strings, tested without a board.
import { Action, Check } from "./rollPlan";
import { containerOf } from "./serviceScripts";

const inContainer = (service: string, command: string) => `ctr=${containerOf(service)}; [ -n "$ctr" ] && sudo docker exec "$ctr" ${command}`;
const escaped = (address: string) => address.replace(/\./g, "\\.");

/** Kafka 3.9's `describe --replication` table: every voter's Lag column at most `maxLag`. */
function quorumCaughtUp(bootstrap: string, maxLag: number): string {
  return `kafka-metadata-quorum --bootstrap-server ${bootstrap} describe --replication 2>/dev/null`
    + ` | awk 'NR==1 {for (i = 1; i <= NF; i++) if ($i == "Lag") c = i; next} c && $NF ~ /Leader|Follower/ {n++; if ($c > ${maxLag}) bad = 1}`
    + ` END {exit (c && n > 0 && !bad) ? 0 : 1}'`;
}

export function checkScript(c: Check): string | undefined {
  switch (c.kind) {
    case "task-replaced": return undefined; // asked through the swarm API, not a shell
    case "cassandra-up-normal":
      return `${inContainer(c.service, "nodetool status")} 2>/dev/null | grep -Eq "^UN +${escaped(c.address)} "`;
    case "cassandra-serves-cql":
      return `[ "$(${inContainer(c.service, "nodetool statusbinary")} 2>/dev/null)" = running ]`;
    case "kafka-fully-replicated":
      return `out=$(${inContainer(c.service, `kafka-topics --bootstrap-server ${c.bootstrap} --describe --under-replicated-partitions`)} 2>/dev/null)`
        + ` && [ -z "$(echo "$out" | tr -d '[:space:]')" ]`;
    case "kafka-quorum-caught-up":
      return `ctr=${containerOf(c.service)}; [ -n "$ctr" ] && sudo docker exec "$ctr" sh -c '${quorumCaughtUp(c.bootstrap, 100).replace(/'/g, "'\\''")}'`;
    case "kafka-brokers-registered":
      return `n=$(${inContainer(c.service, `kafka-broker-api-versions --bootstrap-server ${c.bootstrap}`)} 2>/dev/null | grep -c '(id: ' || true);`
        + ` [ "\${n:-0}" -ge ${c.count} ]`;
  }
}

export function actionScript(a: Action): string {
  switch (a.kind) {
    // Flushes memtables and stops taking writes, so the restart replays no commit log.
    case "cassandra-drain": return `${inContainer(a.service, "nodetool drain")} >/dev/null 2>&1 || true`;
  }
}

// Reading the vitals back: the latest row per board (today's partition, else yesterday's),
// the rows of one board, and the Stargate GraphQL query for the same thing.
import { Client } from "cassandra-driver";
import { dayOf } from "./record";
import { latestCql, vitalsColumns } from "./vitalsRow";

export type VitalsRow = Record<(typeof vitalsColumns)[number], unknown>;

export async function latestPerBoard(
  client: Client, keyspace: string, table: string, boards: readonly string[], now = Date.now(),
): Promise<Map<string, VitalsRow | undefined>> {
  const out = new Map<string, VitalsRow | undefined>();
  for (const board of boards) {
    let row: VitalsRow | undefined;
    for (const day of [dayOf(now), dayOf(now - 86_400_000)]) {
      const rs = await client.execute(latestCql(keyspace, table), [board, day], { prepare: true });
      row = rs.first() as unknown as VitalsRow | undefined;
      if (row) break;
    }
    out.set(board, row);
  }
  return out;
}

/** Sample times (ms) stored for a board on the given days. */
export async function storedTimes(client: Client, keyspace: string, table: string, board: string, days: readonly string[]): Promise<number[]> {
  const times: number[] = [];
  for (const day of days) {
    const rs = await client.execute(`SELECT ts FROM ${keyspace}.${table} WHERE board = ? AND day = ?`, [board, day], { prepare: true, fetchSize: 5000 });
    for await (const row of rs) times.push((row.get("ts") as Date).getTime());
  }
  return times;
}

/** Stargate's cql-first GraphQL: the newest row of a board's day partition. */
export function latestVitalsGraphql(table: string, board: string, day: string): string {
  return `query { ${table}(value: { board: ${JSON.stringify(board)}, day: ${JSON.stringify(day)} }, options: { limit: 1 }) ` +
    `{ values { board ts cpu_percent cpu_temp_c temp_status mem_available_kb cpu_mhz load1 } } }`;
}

const fmt = (v: unknown, digits = 1): string => (v === null || v === undefined ? "-" : typeof v === "number" ? v.toFixed(digits) : String(v));

/** The table `deskcluster health` prints: one line per board, '-' where a value is unavailable. */
export function vitalsTable(rows: Map<string, VitalsRow | undefined>, now = Date.now()): string {
  const head = ["board", "age", "cpu %", "temp °C", "mem avail MB", "mem free MB", "MHz", "load1", "disk used %"];
  const lines = [...rows].map(([board, r]) => {
    if (!r) return [board, "no data", "", "", "", "", "", "", ""];
    const ts = (r.ts as Date).getTime();
    const n = (x: unknown) => (x === null || x === undefined ? null : Number(x));
    const used = n(r.disk_used_bytes), total = n(r.disk_total_bytes);
    return [
      board, `${Math.max(0, Math.round((now - ts) / 1000))}s`, fmt(n(r.cpu_percent)),
      r.temp_status === "unavailable" ? "n/a" : fmt(n(r.cpu_temp_c)),
      fmt((n(r.mem_available_kb) ?? NaN) / 1024, 0), fmt((n(r.mem_free_kb) ?? NaN) / 1024, 0), fmt(n(r.cpu_mhz), 0), fmt(n(r.load1), 2),
      used !== null && total ? fmt((100 * used) / total) : "-",
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [head, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

// The mapping between a health record and a row of the vitals table (model/healthConfig's
// schema). Writing a record is idempotent: its key is (board, day, ts), so a record
// delivered twice lands on the same row.
import { dayOf, HealthRecord } from "./record";

export const vitalsColumns = [
  "board", "day", "ts", "cpu_percent", "cpu_temp_c", "temp_status", "mem_free_kb", "mem_available_kb",
  "mem_total_kb", "cpu_mhz", "load1", "load5", "load15", "disk_used_bytes", "disk_total_bytes",
] as const;

export function insertCql(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table} (${vitalsColumns.join(", ")}) VALUES (${vitalsColumns.map(() => "?").join(", ")})`;
}

export function rowParams(r: HealthRecord): unknown[] {
  return [
    r.board, dayOf(r.ts), new Date(r.ts), r.cpuPercent, r.cpuTempC, r.tempStatus, r.memFreeKb, r.memAvailableKb,
    r.memTotalKb, r.cpuMhz, r.load1, r.load5, r.load15, r.diskUsedBytes, r.diskTotalBytes,
  ];
}

export function latestCql(keyspace: string, table: string): string {
  return `SELECT ${vitalsColumns.join(", ")} FROM ${keyspace}.${table} WHERE board = ? AND day = ? LIMIT 1`;
}

// One health record: what an agent produces each second, keyed by board, and what the sink
// stores. The schema is the contract between them: the sink refuses anything else.
import { z } from "zod";

const nonNegative = z.number().finite().nonnegative();
// Each value must fit its column (model/healthConfig.ts), or the sink's write fails for that record on every retry
// and its partition stops: refused here instead, at decode, with the field named.
const bigintColumn = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const float32 = 3.4e38;
/** The last millisecond of year 9999: beyond it the day partition ('YYYY-MM-DD', from the timestamp) has no form. */
export const maxTimestampMs = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const healthRecordSchema = z.strictObject({
  board: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
  /** Sample time, ms since the epoch: with the board, the record's identity (idempotent writes). */
  ts: z.number().int().positive().max(maxTimestampMs),
  cpuPercent: z.number().min(0).max(100).nullable(),
  /** null with tempStatus "unavailable" where the board has no thermal zone. */
  cpuTempC: z.number().min(-273.15).max(1000).nullable(),
  tempStatus: z.enum(["ok", "unavailable"]),
  memFreeKb: bigintColumn,
  memAvailableKb: bigintColumn,
  memTotalKb: bigintColumn,
  /** An int column. */
  cpuMhz: z.number().int().nonnegative().max(2_147_483_647).nullable(),
  load1: nonNegative.max(float32), load5: nonNegative.max(float32), load15: nonNegative.max(float32),
  diskUsedBytes: bigintColumn.nullable(),
  diskTotalBytes: bigintColumn.nullable(),
});

export type HealthRecord = z.infer<typeof healthRecordSchema>;

export function encodeRecord(r: HealthRecord): { key: string; value: string } {
  return { key: r.board, value: JSON.stringify(healthRecordSchema.parse(r)) };
}

/** The record in a Kafka message, or an error naming what is wrong with it. */
export function decodeRecord(value: Buffer | string | null): { ok: true; record: HealthRecord } | { ok: false; error: string } {
  if (value === null) return { ok: false, error: "empty message" };
  let raw: unknown;
  try { raw = JSON.parse(value.toString()); } catch { return { ok: false, error: "not JSON" }; }
  const parsed = healthRecordSchema.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

/** The Cassandra partition day (UTC) of a sample time, as 'YYYY-MM-DD'. */
export function dayOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

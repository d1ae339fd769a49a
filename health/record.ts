// One health record: what an agent produces each second, keyed by board, and what the sink
// stores. The schema is the contract between them: the sink refuses anything else.
import { z } from "zod";

const nonNegative = z.number().finite().nonnegative();

export const healthRecordSchema = z.strictObject({
  board: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/),
  /** Sample time, ms since the epoch: with the board, the record's identity (idempotent writes). */
  ts: z.number().int().positive(),
  cpuPercent: z.number().min(0).max(100).nullable(),
  /** null with tempStatus "unavailable" where the board has no thermal zone. */
  cpuTempC: z.number().finite().nullable(),
  tempStatus: z.enum(["ok", "unavailable"]),
  memFreeKb: nonNegative,
  memAvailableKb: nonNegative,
  memTotalKb: nonNegative,
  cpuMhz: nonNegative.nullable(),
  load1: nonNegative, load5: nonNegative, load15: nonNegative,
  diskUsedBytes: nonNegative.nullable(),
  diskTotalBytes: nonNegative.nullable(),
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

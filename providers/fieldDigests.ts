// What the state keeps of an applied spec: each field's digest, not its value. The engine hands
// a provider's diff only the last outputs, so they must say what was applied; digests say it in
// a few bytes a field and still let the diff name the field that changes. The values themselves
// are the resource's last inputs, which the engine keeps and hands to read (readWithInputs.ts).
import { createHash } from "node:crypto";
import { canonicalJson } from "../model/canonicalJson";

export type FieldDigests = Record<string, string>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** 64 bits: enough to tell an applied value from another, and no value to recover from it. */
const digest = (v: unknown) => createHash("sha256").update(canonicalJson(v ?? null)).digest("hex").slice(0, 16);

/** Digests of a value's fields by dotted path, objects opened down to `depth` levels (ServiceSpec's TaskTemplate.ContainerSpec.Env). */
export function fieldDigests(v: unknown, depth = 3, path = ""): FieldDigests {
  if (!isObject(v) || depth === 0 || Object.keys(v).length === 0) return { [path || "(whole)"]: digest(v) };
  return Object.assign({}, ...Object.entries(v).map(([k, x]) => fieldDigests(x, depth - 1, path ? `${path}.${k}` : k)));
}

/** The fields whose digests differ (a field on one side only differs too), sorted. */
export function changedFields(was: FieldDigests, now: FieldDigests): string[] {
  return [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((k) => was[k] !== now[k]).sort();
}

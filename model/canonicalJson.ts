// JSON with every object's keys in sorted order: how values come back from the engine (its
// struct encoding sorts keys), so a digest or comparison taken in the program equals one taken
// in the provider, and one recorded in state by an earlier version.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

// GraphQL names of CQL tables and columns, by Stargate's rules so a client written for Stargate
// sees the same names: verbatim when valid, else characters escaped as x<hex>_, and the names
// of the API's own types escaped when a table would clash with them.

const ownTypes = [
  "Mutation", "MutationConsistency", "MutationOptions", "Query", "QueryConsistency", "QueryOptions", "SerialConsistency",
  "Boolean", "Float", "Int", "String", "Uuid", "TimeUuid", "Inet", "Date", "Duration", "BigInt", "Counter", "Ascii",
  "Decimal", "Varint", "Blob", "SmallInt", "TinyInt", "Timestamp", "Time", "conversionWarnings",
];
const reservedPrefixes = ["Entry", "Tuple"];
const reservedSuffixes = ["Input", "Result", "Order", "Udt"];

const validChar = (c: string): boolean => /^[A-Za-z0-9_]$/.test(c);
const hexEscape = (c: string): string => `x${c.codePointAt(0)!.toString(16)}_`;
/** An 'x' that would read as the start of an escape must itself be escaped. */
const looksEscaped = (s: string, i: number): boolean => /^x[0-9a-f]+_/.test(s.slice(i));

function escapeIdentifier(name: string): string {
  const cps = Array.from(name);
  let pos = 0;
  const risky = cps.map((c) => { const r = !validChar(c) || (c === "x" && looksEscaped(name, pos)); pos += c.length; return r; });
  if (!name.startsWith("__") && !/^[0-9]/.test(name) && !risky.some(Boolean)) return name;
  let out = "", first = 0;
  if (name.startsWith("__")) { out = "x5f__"; first = 2; } else if (/^[0-9]/.test(name)) { out = hexEscape(cps[0]); first = 1; }
  for (let i = first; i < cps.length; i++) out += risky[i] ? hexEscape(cps[i]) : cps[i];
  return out;
}

/** Replaces only the last character of a reserved affix by its escape, as Stargate does ("Input" -> "Inpux74_"). */
const escapeLast = (word: string): string => word.slice(0, -1) + hexEscape(word.slice(-1));

export function tableGraphqlName(cqlName: string): string {
  if (ownTypes.includes(cqlName)) return cqlName === "Float32" ? cqlName : escapeLast(cqlName);
  let n = escapeIdentifier(cqlName);
  const prefix = reservedPrefixes.find((p) => n.startsWith(p));
  if (prefix) n = escapeLast(prefix) + n.slice(prefix.length);
  const suffix = reservedSuffixes.find((s) => n.endsWith(s));
  if (suffix) n = n.slice(0, -suffix.length) + escapeLast(suffix);
  return n;
}

export function columnGraphqlName(cqlName: string): string {
  return escapeIdentifier(cqlName);
}

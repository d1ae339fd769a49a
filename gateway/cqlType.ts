// CQL types as system_schema spells them ("map<text, frozen<list<int>>>", "frozen<address>"),
// parsed into a tree the schema builder and the value codecs walk.

export type CqlType =
  | { readonly kind: "basic"; readonly name: string }
  | { readonly kind: "list" | "set"; readonly element: CqlType; readonly frozen: boolean }
  | { readonly kind: "map"; readonly key: CqlType; readonly value: CqlType; readonly frozen: boolean }
  | { readonly kind: "tuple"; readonly elements: readonly CqlType[] }
  | { readonly kind: "udt"; readonly name: string; readonly frozen: boolean };

export const basicTypes = [
  "ascii", "bigint", "blob", "boolean", "counter", "date", "decimal", "double", "duration", "float", "inet", "int",
  "smallint", "text", "time", "timestamp", "timeuuid", "tinyint", "uuid", "varchar", "varint",
] as const;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "<") depth++;
    else if (s[i] === ">") depth--;
    else if (s[i] === "," && depth === 0) { out.push(s.slice(start, i).trim()); start = i + 1; }
  }
  out.push(s.slice(start).trim());
  return out;
}

export function parseCqlType(text: string, frozen = false): CqlType {
  const t = text.trim();
  const m = /^([A-Za-z_][A-Za-z0-9_]*|"[^"]+")\s*(?:<(.*)>)?$/s.exec(t);
  if (!m) throw new Error(`unsupported CQL type "${text}"`);
  const name = m[1].toLowerCase(), args = m[2] === undefined ? [] : splitTopLevel(m[2]);
  switch (name) {
    case "frozen": return parseCqlType(args[0], true);
    case "list": case "set": return { kind: name, element: parseCqlType(args[0]), frozen };
    case "map": return { kind: "map", key: parseCqlType(args[0]), value: parseCqlType(args[1]), frozen };
    case "tuple": return { kind: "tuple", elements: args.map((a) => parseCqlType(a)) };
    default:
      if (args.length > 0) throw new Error(`unsupported CQL type "${text}"`);
      if ((basicTypes as readonly string[]).includes(name)) return { kind: "basic", name: name === "varchar" ? "text" : name };
      return { kind: "udt", name: m[1].replace(/^"|"$/g, ""), frozen };
  }
}

export const isCollection = (t: CqlType): boolean => t.kind === "list" || t.kind === "set" || t.kind === "map";

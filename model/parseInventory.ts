// Turns YAML text into a typed Inventory, or into violations that name board and field.
import { parseDocument } from "yaml";
import { z } from "zod";
import { Inventory, inventorySchema } from "./inventory";
import { Violation } from "./violation";

export type ParseResult =
  | { ok: true; inventory: Inventory }
  | { ok: false; violations: Violation[] };

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) =>
    typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key), "");
}

function boardName(raw: unknown, index: number): string {
  const boards = (raw as { boards?: unknown[] } | undefined)?.boards;
  const candidate = Array.isArray(boards) ? (boards[index] as { name?: unknown } | undefined)?.name : undefined;
  return typeof candidate === "string" ? candidate : `#${index + 1}`;
}

export function schemaViolations(raw: unknown, issues: ReadonlyArray<z.core.$ZodIssue>): Violation[] {
  // An unknown key is reported at the key itself, so a misspelling points at the word.
  const expanded = issues.flatMap((issue): z.core.$ZodIssue[] => issue.code === "unrecognized_keys"
    ? issue.keys.map((key) => ({ ...issue, path: [...issue.path, key], message: `unknown field "${key}" (misspelt?)` }) as z.core.$ZodIssue)
    : [issue]);
  return expanded.map((issue) => {
    const path = issue.path;
    if (path[0] === "boards" && typeof path[1] === "number") {
      return { rule: "schema", board: boardName(raw, path[1]), field: fieldPath(path.slice(2)) || "(board)", message: issue.message };
    }
    return { rule: "schema", field: fieldPath(path) || "(root)", message: issue.message };
  });
}

export function parseInventory(raw: unknown): ParseResult {
  const result = inventorySchema.safeParse(raw);
  if (result.success) return { ok: true, inventory: result.data };
  return { ok: false, violations: schemaViolations(raw, result.error.issues) };
}

/** YAML text to plain data; syntax errors become violations. */
export function readYaml(text: string): { raw?: unknown; violations: Violation[] } {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) return { violations: doc.errors.map((e) => ({ rule: "yaml", field: "(file)", message: e.message })) };
  return { raw: doc.toJS(), violations: [] };
}

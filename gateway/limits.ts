// Bounds on what one request may ask, so a hostile or careless query cannot tie up the gateway
// or the ring: the size of the document, the depth of its selections and the number of fields.
import { ASTVisitor, GraphQLError, Kind, ValidationContext, ValidationRule } from "graphql";

export interface RequestLimits {
  /** Bytes of the query text (and of a POST body). */
  readonly maxQueryBytes: number;
  readonly maxDepth: number;
  /** Fields selected in the whole document, fragments included once per use. */
  readonly maxFields: number;
  readonly maxPageSize: number;
}

export const defaultLimits: RequestLimits = { maxQueryBytes: 32 * 1024, maxDepth: 10, maxFields: 500, maxPageSize: 1000 };

export function boundsRule(limits: RequestLimits): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => {
    let depth = 0, fields = 0, reported = false;
    const report = (message: string) => { if (!reported) { reported = true; ctx.reportError(new GraphQLError(message)); } };
    return {
      [Kind.FIELD]: {
        enter() {
          fields++;
          depth++;
          if (depth > limits.maxDepth) report(`query is nested deeper than ${limits.maxDepth} levels`);
          if (fields > limits.maxFields) report(`query selects more than ${limits.maxFields} fields`);
        },
        leave() { depth--; },
      },
      [Kind.FRAGMENT_SPREAD](node) {
        // Fragments count where they are used: walk the spread's own selections by hand.
        const frag = ctx.getFragment(node.name.value);
        const count = (sel: readonly { kind: string; selectionSet?: { selections: readonly unknown[] } }[], d: number, seen: Set<string>): void => {
          for (const s of sel as never[]) {
            const n = s as { kind: string; name?: { value: string }; selectionSet?: { selections: never[] } };
            if (n.kind === Kind.FIELD) {
              fields++;
              if (d + 1 > limits.maxDepth) report(`query is nested deeper than ${limits.maxDepth} levels`);
              if (n.selectionSet) count(n.selectionSet.selections, d + 1, seen);
            } else if (n.kind === Kind.INLINE_FRAGMENT && n.selectionSet) count(n.selectionSet.selections, d, seen);
            else if (n.kind === Kind.FRAGMENT_SPREAD && n.name && !seen.has(n.name.value)) {
              const f = ctx.getFragment(n.name.value);
              if (f) count(f.selectionSet.selections as never[], d, new Set([...seen, n.name.value]));
            }
          }
          if (fields > limits.maxFields) report(`query selects more than ${limits.maxFields} fields`);
        };
        if (frag) count(frag.selectionSet.selections as never[], depth, new Set([node.name.value]));
      },
      [Kind.FRAGMENT_DEFINITION]: { enter() { return false; } },
    };
  };
}

// A violation names the rule, the board (when one is at fault) and the inventory field,
// so the same text serves `npm run validate`, the policy pack and the tests.
export interface Violation {
  readonly rule: string;
  readonly board?: string;
  readonly field: string;
  readonly message: string;
}

export function formatViolation(v: Violation): string {
  const where = v.board ? `board ${v.board}, field ${v.field}` : `field ${v.field}`;
  return `[${v.rule}] ${where}: ${v.message}`;
}

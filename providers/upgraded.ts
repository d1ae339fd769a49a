// Dynamic providers keep their code in each resource's state, and a refresh or delete runs the
// code that wrote it. A new deskcluster version therefore converges every step once, in place
// (scripts are idempotent; nothing restarts), so that later reads run the new code.
const providerKey = "__provider";

export function providerUpgraded(olds: unknown, news: unknown): boolean {
  const a = (olds as Record<string, unknown> | undefined)?.[providerKey];
  const b = (news as Record<string, unknown> | undefined)?.[providerKey];
  return typeof a === "string" && typeof b === "string" && a !== b;
}

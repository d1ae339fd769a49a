// A stack may leave optional services out without editing the inventory (as Ansible's
// --skip-tags does): the lab uses it when an image cannot be built on this machine.
// The service and the roles that place it are dropped together, so the plan, the rules and
// the memory budget all see one consistent, smaller cluster.
import { Inventory, Role } from "./inventory";
import { Violation } from "./violation";

export const omittableServices = ["stargate", "gateway", "health"] as const;
export type OmittableService = (typeof omittableServices)[number];

const rolesOf: Record<OmittableService, readonly Role[]> = {
  stargate: ["stargate"],
  gateway: ["graphql-gateway"],
  health: ["health-agent", "health-sink"],
};

export function omitServicesProblems(names: readonly string[]): Violation[] {
  return names.filter((n) => !(omittableServices as readonly string[]).includes(n)).map((n) => ({
    rule: "config", field: "deskcluster:omitServices",
    message: `"${n}" cannot be omitted; only ${omittableServices.join(", ")} are optional`,
  }));
}

export function omitServices(inv: Inventory, names: readonly OmittableService[]): Inventory {
  if (names.length === 0) return inv;
  const services = { ...inv.services };
  for (const n of names) delete services[n];
  const dropped = new Set(names.flatMap((n) => rolesOf[n]));
  return { ...inv, services, boards: inv.boards.map((b) => ({ ...b, roles: b.roles.filter((r) => !dropped.has(r)) })) };
}

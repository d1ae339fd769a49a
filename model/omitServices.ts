// A stack may leave optional services out without editing the inventory (as Ansible's
// --skip-tags does): the lab uses it when an image cannot be built on this machine.
// The roles stay on the boards; only the service is dropped, so placement and the memory
// budget simply no longer count it.
import { Inventory } from "./inventory";
import { Violation } from "./violation";

export const omittableServices = ["stargate", "health"] as const;
export type OmittableService = (typeof omittableServices)[number];

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
  return { ...inv, services };
}

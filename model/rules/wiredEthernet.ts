// Cluster traffic on wired Ethernet only: Wi-Fi made the original desk cluster slow and flaky.
import { Inventory } from "../inventory";
import { addressOwners, wiredInterface } from "../network";
import { Violation } from "../violation";

export const wiredEthernetRule = "wired-ethernet";

export function checkWiredEthernet(inv: Inventory): Violation[] {
  return inv.boards.filter((b) => !wiredInterface(b)).map((b) => ({
    rule: wiredEthernetRule, board: b.name, field: "interfaces",
    message: `no wired interface: roles ${b.roles.join(", ")} need a wired Ethernet address (Wi-Fi only: ${b.interfaces.map((i) => i.name).join(", ")})`,
  }));
}

/** Checks an address found in the plan (env var, listener, SSH host) against the inventory's interfaces. */
export function checkAddressWired(inv: Inventory, address: string, usedBy: string): Violation[] {
  const owner = addressOwners(inv).get(address)?.[0];
  if (!owner) {
    return [{ rule: wiredEthernetRule, field: usedBy, message: `address ${address} belongs to no board interface in the inventory` }];
  }
  if (owner.iface.kind === "wired") return [];
  return [{
    rule: wiredEthernetRule, board: owner.board, field: `interfaces.${owner.iface.name}`,
    message: `${usedBy} uses ${address} on Wi-Fi interface ${owner.iface.name}; cluster traffic must be on wired Ethernet`,
  }];
}

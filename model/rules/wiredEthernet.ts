// Cluster traffic on wired Ethernet only: Wi-Fi made the original desk cluster slow and flaky.
import { Inventory } from "../inventory";
import { addressOwners, looksWireless, wiredInterface } from "../network";
import { Violation } from "../violation";

export const wiredEthernetRule = "wired-ethernet";

export function checkWiredEthernet(inv: Inventory): Violation[] {
  const out: Violation[] = [];
  for (const b of inv.boards) {
    b.interfaces.forEach((iface, i) => {
      if (iface.kind !== "wired" || !looksWireless(iface) || iface.wiredDespiteName) return;
      out.push({
        rule: wiredEthernetRule, board: b.name, field: `interfaces[${i}].kind`,
        message: `${iface.name} is named like a Wi-Fi interface but declared wired; cluster traffic would go over Wi-Fi. `
          + "Fix the name or kind, or set wiredDespiteName: true if the board really names a wired port so",
      });
    });
    if (!wiredInterface(b)) {
      out.push({
        rule: wiredEthernetRule, board: b.name, field: "interfaces",
        message: `no wired interface: roles ${b.roles.join(", ")} need a wired Ethernet address (Wi-Fi only: ${b.interfaces.map((i) => i.name).join(", ")})`,
      });
    }
  }
  return out;
}

/**
 * Checks addresses found in the plan (env var, listener, SSH host) against the inventory's
 * interfaces. A plan holds many addresses per service: the address index is built once here.
 */
export function addressWiredCheck(inv: Inventory): (address: string, usedBy: string) => Violation[] {
  const owners = addressOwners(inv);
  return (address, usedBy) => {
    const owner = owners.get(address)?.[0];
    if (!owner) {
      return [{ rule: wiredEthernetRule, field: usedBy, message: `address ${address} belongs to no board interface in the inventory` }];
    }
    if (owner.iface.kind === "wired") return [];
    return [{
      rule: wiredEthernetRule, board: owner.board, field: `interfaces.${owner.iface.name}`,
      message: `${usedBy} uses ${address} on Wi-Fi interface ${owner.iface.name}; cluster traffic must be on wired Ethernet`,
    }];
  };
}

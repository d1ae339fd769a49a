// Addresses: which interface carries an address, and the wired address of each board.
import { Board, Inventory, NetworkInterface } from "./inventory";

export function wiredInterface(board: Board): NetworkInterface | undefined {
  return board.interfaces.find((i) => i.kind === "wired");
}

/** The address cluster traffic uses; undefined for a Wi-Fi-only board (a rule reports it). */
export function clusterAddress(board: Board): string | undefined {
  return wiredInterface(board)?.address;
}

export interface AddressOwner {
  readonly board: string;
  readonly iface: NetworkInterface;
}

/** Every interface by address, in one pass: callers build it once and look addresses up in it. */
export function addressOwners(inv: Inventory): Map<string, AddressOwner[]> {
  const owners = new Map<string, AddressOwner[]>();
  for (const b of inv.boards) {
    for (const iface of b.interfaces) {
      const list = owners.get(iface.address);
      if (list) list.push({ board: b.name, iface });
      else owners.set(iface.address, [{ board: b.name, iface }]);
    }
  }
  return owners;
}

/**
 * Linux names wireless devices wlan0, wlp<bus>s<slot> (PCI) or wlx<mac> (USB): all start with "wl".
 * A wired interface named so is almost always a typo that would put cluster traffic on Wi-Fi.
 */
export function looksWireless(iface: NetworkInterface): boolean {
  return /^wl/.test(iface.name);
}

export function hostAddress(board: Board): string {
  return clusterAddress(board) ?? board.interfaces[0].address;
}

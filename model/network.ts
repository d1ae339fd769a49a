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

export function addressOwners(inv: Inventory): Map<string, AddressOwner[]> {
  const owners = new Map<string, AddressOwner[]>();
  for (const b of inv.boards) {
    for (const iface of b.interfaces) {
      owners.set(iface.address, [...(owners.get(iface.address) ?? []), { board: b.name, iface }]);
    }
  }
  return owners;
}

/** Finds the interface an address belongs to, so a plan's addresses can be checked for wiring. */
export function interfaceOfAddress(inv: Inventory, address: string): AddressOwner | undefined {
  return addressOwners(inv).get(address)?.[0];
}

export function hostAddress(board: Board): string {
  return clusterAddress(board) ?? board.interfaces[0].address;
}

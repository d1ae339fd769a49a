// configgen for a board's own files: /etc/hosts block, Docker daemon.json, static address.
import { Board, Inventory } from "./inventory";
import { hostAddress, wiredInterface } from "./network";
import { byName } from "./placement";

/** The managed block of /etc/hosts: every board by its cluster (wired) address, and the admin. */
export function hostsBlock(inv: Inventory): string {
  const lines = [...inv.boards].sort(byName).map((b) => `${hostAddress(b)} ${b.name}`);
  lines.push(`${inv.admin.address} ${inv.admin.name}`);
  return ["# BEGIN deskcluster", ...lines, "# END deskcluster"].join("\n") + "\n";
}

export function dockerDaemonJson(inv: Inventory): string {
  const config: Record<string, unknown> = {
    "log-driver": "json-file",
    "log-opts": { "max-size": "10m", "max-file": "3" },
  };
  if (inv.registryMirror) config["registry-mirrors"] = [inv.registryMirror];
  if (inv.insecureRegistries.length > 0) config["insecure-registries"] = inv.insecureRegistries;
  return JSON.stringify(config, null, 2) + "\n";
}

/** A NetworkManager keyfile (Raspberry Pi OS bookworm) pinning the wired address. */
export function staticAddressKeyfile(inv: Inventory, board: Board): string | undefined {
  const iface = wiredInterface(board);
  if (!inv.network.manage || !iface) return undefined;
  const address = `${iface.address}/${iface.prefix}${iface.gateway ? `,${iface.gateway}` : ""}`;
  return [
    "[connection]", `id=deskcluster-${iface.name}`, "type=ethernet", `interface-name=${iface.name}`, "autoconnect=true",
    "", "[ipv4]", "method=manual", `address1=${address}`,
    ...(inv.network.dns.length ? [`dns=${inv.network.dns.join(";")};`] : []),
    "", "[ipv6]", "method=ignore", "",
  ].join("\n");
}

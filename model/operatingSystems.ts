// What each operating system a card is flashed with does differently: where its kernel
// arguments live, what turns swap on, which network stack runs, how its first user is made.
// Read from the distributions' own documentation and images; preflight, bootstrap and the lab's
// twin boards all read this one table.
import type { BoardModelName } from "./catalog";

export const osNames = ["raspberry-pi-os", "armbian"] as const;
export type OsName = (typeof osNames)[number];

export interface OperatingSystem {
  readonly label: string;
  /** A file only this OS has: how preflight recognises the card. */
  readonly releaseFile: string;
  /** Where the kernel command line is set, and how (a whole line, or Armbian's `extraargs=`). */
  readonly kernelArgs: { readonly file: string; readonly form: "cmdline" | "extraargs" };
  /** The units that turn swap on at boot, and the swap they turn on (as /proc/swaps names it). */
  readonly swapUnits: readonly string[];
  readonly swapDevices: readonly string[];
  /** The network stack that applies a static address. */
  readonly network: "NetworkManager" | "systemd-networkd";
  /** How the first user comes to be, for the README and the bootstrap's messages. */
  readonly firstUser: string;
  /** Whether that first user's sudo asks for a password on a card as flashed. */
  readonly firstUserSudoNeedsPassword: boolean;
}

export const operatingSystems: Record<OsName, OperatingSystem> = {
  "raspberry-pi-os": {
    label: "Raspberry Pi OS Lite 64-bit (bookworm)",
    releaseFile: "/etc/rpi-issue",
    kernelArgs: { file: "/boot/firmware/cmdline.txt", form: "cmdline" },
    swapUnits: ["dphys-swapfile.service"],
    swapDevices: ["/var/swap"],
    network: "NetworkManager",
    firstUser: "made by Raspberry Pi Imager (its OS customisation: user name, password, SSH public key)",
    firstUserSudoNeedsPassword: false, // the imager's first boot writes /etc/sudoers.d/010_pi-nopasswd
  },
  armbian: {
    label: "Armbian (bookworm, minimal)",
    releaseFile: "/etc/armbian-release",
    kernelArgs: { file: "/boot/armbianEnv.txt", form: "extraargs" },
    swapUnits: ["armbian-zram-config.service"],
    swapDevices: ["/dev/zram0"],
    network: "systemd-networkd",
    firstUser: "made at the first login on the console or over SSH as root (armbian-firstlogin)",
    firstUserSudoNeedsPassword: true,
  },
};

const defaultOs: Partial<Record<BoardModelName, OsName>> = {
  "orange-pi-zero-2": "armbian",
};

/** The board's OS: as the inventory says, else the one its model is usually flashed with. */
export function osOf(board: { model: BoardModelName; os?: OsName }): OsName {
  return board.os ?? defaultOs[board.model] ?? "raspberry-pi-os";
}

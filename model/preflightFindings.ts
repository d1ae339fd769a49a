// Preflight, the judgement: the facts a board's read gave (model/preflightScript.ts) against the inventory, as
// findings per board and field, each saying who fixes it: `pulumi up`, or the user (a 64-bit image, a disk, ...).
import { boardModel } from "./catalog";
import { boardArch } from "./clusterPlan";
import { Board, Inventory } from "./inventory";
import { wiredInterface } from "./network";
import { operatingSystems, osNames, osOf, OsName } from "./operatingSystems";
import { maxMapCount, runsDataNodes } from "./osPreparation";

export interface Finding {
  board: string;
  field: string;
  severity: "problem" | "note";
  message: string;
  fix: "pulumi up" | "you";
}

export const minFreeMb = 2048;
export const minMaxMapCount = maxMapCount;
const swapOff: Record<OsName, string> = {
  "raspberry-pi-os": "sudo dphys-swapfile swapoff && sudo systemctl disable dphys-swapfile",
  armbian: "sudo systemctl disable --now armbian-zram-config",
};

/** The OS the card really runs, by its release file; the declared one when no release file says. */
export function detectedOs(facts: Record<string, string>): OsName | undefined {
  return osNames.find((o) => facts[`os.release.${o}`] === "yes");
}

export function preflightFindings(board: Board, inventory: Inventory, facts: Record<string, string>): Finding[] {
  const out: Finding[] = [];
  const add = (field: string, severity: Finding["severity"], fix: Finding["fix"], message: string) =>
    out.push({ board: board.name, field, severity, fix, message });
  // A lab board is a twin of its card: what the card would show (swap units, no time sync, its boot file) is judged the same.
  const hostLevel: Finding["severity"] = "problem";
  const declared = osOf(board);
  const os = detectedOs(facts) ?? declared;

  const arch = boardArch(board), dpkgArch = facts.arch;
  if (dpkgArch === undefined || dpkgArch === "") add("arch", "note", "you", "dpkg is missing: cannot tell the userland's architecture");
  else if (arch && dpkgArch !== arch) {
    add("arch", "problem", "you", dpkgArch === "armhf"
      ? `the userland is 32-bit (dpkg says armhf), the board needs ${arch}: flash the 64-bit image (${operatingSystems[declared].label})`
      : `dpkg says ${dpkgArch}, the board needs ${arch}: flash an ${arch} image`);
  }

  const codename = facts["os.codename"];
  if (!codename) add("os", "problem", "you", "no VERSION_CODENAME in /etc/os-release: not the Debian bookworm the cluster is built for");
  else if (codename !== "bookworm") {
    add("os", "problem", "you", `the card runs ${codename}, deskcluster expects bookworm: flash ${operatingSystems[declared].label}`);
  }
  const seen = detectedOs(facts);
  if (seen && seen !== declared) {
    add("os", "problem", "you", `the card is ${operatingSystems[seen].label} (${operatingSystems[seen].releaseFile}) but the inventory `
      + `means ${declared}: set \`os: ${seen}\` on the board or flash ${operatingSystems[declared].label}`);
  } else if (!seen) {
    add("os", "note", "you", `neither ${osNames.map((o) => operatingSystems[o].releaseFile).join(" nor ")} exists: assuming ${declared}`);
  }

  const user = facts.user || "the login user";
  if (facts["sudo.true"] === "absent") add("sudo", "problem", "you", `sudo is not installed: install it and run \`npm run bootstrap\``);
  else if (facts["sudo.true"] !== "ok" && facts["sudo.list"] !== "ok") {
    add("sudo", "problem", "you", `sudo wants a password for user ${user}: run \`npm run bootstrap\` (it makes the deploy user)`);
  }

  const kernelMc = facts["kernel.memoryCgroup"];
  const bootArgs = facts[`boot.${os}`];
  const bootFile = operatingSystems[os].kernelArgs.file;
  const bootHas = bootArgs !== undefined && /(^|\s)cgroup_enable=memory(\s|$)/.test(bootArgs);
  if (kernelMc === "no") {
    add("kernel.memoryCgroup", "problem", bootHas ? "you" : "pulumi up", bootHas
      ? `${bootFile} has cgroup_enable=memory but the running kernel has no memory cgroup: reboot the board`
      : "the kernel has no memory cgroup, so Docker's memory limits do nothing: pulumi up adds cgroup_enable=memory to "
        + `${bootFile} (a reboot follows)`);
  } else if (kernelMc === undefined) add("kernel.memoryCgroup", "note", "you", "cannot read /sys/fs/cgroup or /proc/cgroups");
  if (facts[`boot.${os}.absent`] === "yes") {
    add("kernel.memoryCgroup", "problem", "you", `${bootFile} is missing: is the card really ${operatingSystems[os].label}?`);
  } else if (bootArgs !== undefined && !bootHas && kernelMc !== "no") {
    // The running kernel has the controller (it is what /sys shows): the argument is not needed now. Raspberry Pi OS's
    // kernel turns the controller off without it, which the kernel check above reports.
    add("kernel.memoryCgroup", "note", "you", `${bootFile} lacks cgroup_enable=memory, but the running kernel has the memory cgroup: nothing to do`);
  }

  // pulumi up turns swap off where Cassandra or Kafka run and keeps time with systemd-timesyncd (model/osPreparation.ts).
  const data = runsDataNodes(board.roles);
  const [swapLevel, swapFix]: [Finding["severity"], Finding["fix"]] = data ? [hostLevel, "pulumi up"] : ["note", "you"];
  const swapWhy = data ? "Cassandra and Kafka must not swap onto the SD card: pulumi up turns it off"
    : `no Cassandra or Kafka node here, so deskcluster leaves it; to turn it off: ${swapOff[os]}`;
  const active = facts["swap.active"];
  if (active) add("swap", swapLevel, swapFix, `swap is on (${active}): ${swapWhy}`);
  for (const unit of operatingSystems[os].swapUnits) {
    if (facts[`unit.${unit}`] === "enabled") add("swap", swapLevel, swapFix, `${unit} is enabled: swap comes on at every boot; ${swapWhy}`);
  }

  const ntp = facts["time.ntpSynchronized"];
  const service = ["timesyncd", "chrony"].find((s) => facts[`time.${s}`] === "active");
  if (!ntp) add("time", "note", "you", "timedatectl is missing or gave no answer: cannot tell whether the clock is synchronised");
  else if (ntp !== "yes") {
    if (service) {
      add("time", hostLevel, "you", `the clock is not synchronised yet although ${service === "chrony" ? "chrony" : "systemd-timesyncd"} runs `
        + "(no RTC on these boards): check the board reaches an NTP server");
    } else if (facts["time.timesyncdEnabled"] === "enabled") {
      // Enabled but not running: its unit's conditions held it back (in a container, always: the clock is the host's).
      add("time", hostLevel, "you", "the clock is not synchronised: systemd-timesyncd is enabled but does not run "
        + "(see `systemctl status systemd-timesyncd`); no RTC on these boards");
    } else {
      add("time", hostLevel, "pulumi up", "the clock is not synchronised and no time service runs (no RTC on these boards): "
        + "pulumi up enables systemd-timesyncd");
    }
  }

  const { dataDir, device } = board.storage;
  const source = facts["storage.source"];
  if (device) {
    const real = facts["storage.deviceReal"];
    if (facts["storage.devicePresent"] === "no") {
      add("storage.device", "problem", "you", `${device} does not exist: plug the disk in`);
    } else if (source !== undefined && source !== device && source !== real) {
      add("storage.device", "problem", "you", `${dataDir} is on ${source}, not on ${device}: mount ${device} at ${dataDir} `
        + "(an fstab entry; deskcluster never formats a disk)");
    }
    if (facts["storage.deviceFs"] === "" && facts["storage.devicePresent"] === "yes") {
      add("storage.device", "note", "you", `blkid finds no file system on ${device} (or cannot read it without root)`);
    }
  } else {
    add("storage.dataDir", "note", "you", `no storage.device declared: ${dataDir} lives on ${source ?? "the root file system"} (the SD card)`);
  }
  if (facts["storage.dataDirExists"] === "no") {
    add("storage.dataDir", "note", "pulumi up", `${dataDir} does not exist yet (checked ${facts["storage.target"] ?? "its parent"}): pulumi up makes it`);
  }
  const free = Number(facts["storage.freeMb"]);
  if (facts["storage.freeMb"] && free < minFreeMb) {
    add("storage.dataDir", "problem", "you", `only ${free} MB free for ${dataDir} (at least ${minFreeMb} MB): free space or use a bigger disk`);
  }

  const iface = wiredInterface(board);
  if (iface) {
    const field = `interfaces[${board.interfaces.indexOf(iface)}]`;
    if (facts["wired.present"] === "no") {
      add(field, "problem", "you", `${iface.name} does not exist: plug the Ethernet cable in or fix the interface name in the inventory`);
    } else if (facts["wired.wireless"] === "yes" && !iface.wiredDespiteName) {
      add(field, "problem", "you", `${iface.name} is a wireless interface: cluster traffic must be wired`);
    }
    const addresses = facts["wired.addresses"];
    if (facts["wired.present"] === "yes" && addresses !== undefined && !addresses.split(" ").some((a) => a.split("/")[0] === iface.address)) {
      add(field, inventory.network.manage ? "note" : "problem", inventory.network.manage ? "pulumi up" : "you",
        `${iface.name} has ${addresses || "no IPv4 address"}, not ${iface.address}`
        + (inventory.network.manage ? `: pulumi up writes it (${operatingSystems[os].network})` : ": network.manage is false, so set it yourself"));
    }
    for (const [key, dev] of Object.entries(facts)) {
      if (!key.startsWith("route.") || dev === "" || dev === iface.name) continue;
      add(field, "problem", "you", `traffic to ${key.slice(6)} leaves through ${dev}, not ${iface.name}: cluster traffic must stay wired`);
    }
  }

  if (!facts["docker.version"]) {
    add("docker", "note", "pulumi up", facts["docker.package"]
      ? `Docker ${facts["docker.package"]} is installed but its daemon does not answer: pulumi up starts it`
      : "Docker is not installed: pulumi up installs it");
  }

  const expected = boardModel(board.model).ramMb ?? board.ramMb;
  const totalMb = Number(facts["mem.totalKb"]) / 1024;
  const limitMb = Number(facts["mem.cgroupLimit"]) / 1048576; // "max" (no limit) is NaN
  const seenMb = Math.min(...[totalMb, limitMb].filter((n) => Number.isFinite(n) && n > 0));
  if (expected && Number.isFinite(seenMb) && seenMb < expected * 0.85) {
    add("ramMb", "problem", "you", `the board has ${Math.round(seenMb)} MB of RAM, the inventory counts on ${expected} MB: `
      + "fix the model (or ramMb) in the inventory");
  }

  const maps = Number(facts["sysctl.vm.max_map_count"]);
  if (facts["sysctl.vm.max_map_count"] && maps < minMaxMapCount) {
    add("sysctl.vm.max_map_count", "note", "pulumi up", `vm.max_map_count is ${maps}; Cassandra recommends ${minMaxMapCount}: pulumi up sets it`);
  }
  return out;
}

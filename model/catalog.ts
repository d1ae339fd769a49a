// Board-model catalog: what a board is, so the inventory only says which one it has.
// osReserveMb covers kernel, firmware/GPU split, sshd and the Docker engine itself.

export type Arch = "amd64" | "arm64";

export interface BoardModel {
  readonly label: string;
  readonly ramMb?: number; // undefined: set per board in the inventory (simulated boards)
  readonly cpuCores?: number;
  readonly arch?: Arch;
  readonly osReserveMb: number;
  readonly simulated: boolean;
}

export const boardModels = {
  "raspberry-pi-4-2gb": { label: "Raspberry Pi 4 (2 GB)", ramMb: 2048, cpuCores: 4, arch: "arm64", osReserveMb: 384, simulated: false },
  "raspberry-pi-4-4gb": { label: "Raspberry Pi 4 (4 GB)", ramMb: 4096, cpuCores: 4, arch: "arm64", osReserveMb: 512, simulated: false },
  "raspberry-pi-4-8gb": { label: "Raspberry Pi 4 (8 GB)", ramMb: 8192, cpuCores: 4, arch: "arm64", osReserveMb: 768, simulated: false },
  "raspberry-pi-5-4gb": { label: "Raspberry Pi 5 (4 GB)", ramMb: 4096, cpuCores: 4, arch: "arm64", osReserveMb: 512, simulated: false },
  "raspberry-pi-5-8gb": { label: "Raspberry Pi 5 (8 GB)", ramMb: 8192, cpuCores: 4, arch: "arm64", osReserveMb: 768, simulated: false },
  "orange-pi-zero-2": { label: "Orange Pi Zero 2 (1 GB)", ramMb: 1024, cpuCores: 4, arch: "arm64", osReserveMb: 256, simulated: false },
  lab: { label: "Simulated board (container)", osReserveMb: 256, simulated: true },
} as const satisfies Record<string, BoardModel>;

export type BoardModelName = keyof typeof boardModels;
export const boardModelNames = Object.keys(boardModels) as [BoardModelName, ...BoardModelName[]];

export function boardModel(name: BoardModelName): BoardModel {
  return boardModels[name];
}

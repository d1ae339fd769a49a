// Container limits and JVM heaps per service, and each board's budget:
// RAM minus the OS reserve must hold the limits of everything placed on the board.
import { boardModel } from "./catalog";
import { Board, Inventory } from "./inventory";
import { kafkaProcessRoles, ServiceKind, servicesOn } from "./placement";

/** Limits sized for a Raspberry Pi 4 (8 GB) sharing Cassandra, Kafka and Stargate. */
export const defaultLimitMb: Record<ServiceKind | "kafka-controller-only", number> = {
  cassandra: 2048,
  kafka: 1024,
  "kafka-controller-only": 512,
  "stargate-coordinator": 1024,
  "stargate-graphql": 512,
  // Node.js, measured at about 80 MB resident under load; the heap is capped at half of this.
  "graphql-gateway": 192,
  "health-agent": 96,
  "health-sink": 192,
};

const jvmServices: ReadonlySet<ServiceKind> = new Set(["cassandra", "kafka", "stargate-coordinator", "stargate-graphql"]);

/** Off-heap room a JVM needs beside its heap: metaspace, threads, direct buffers. */
export function jvmHeadroomMb(limitMb: number): number {
  return Math.max(128, Math.ceil(limitMb / 4));
}

const floor16 = (n: number): number => Math.max(16, Math.floor(n / 16) * 16);

export function defaultHeapMb(limitMb: number): number {
  return floor16(Math.min(limitMb / 2, limitMb - jvmHeadroomMb(limitMb)));
}

export interface ServiceSizing {
  readonly service: ServiceKind;
  readonly memoryMb: number;
  readonly heapMb?: number;
}

function configured(inv: Inventory, board: Board, service: ServiceKind): { memoryMb?: number; heapMb?: number } {
  const s = inv.services;
  switch (service) {
    case "cassandra": return s.cassandra;
    case "kafka":
      return kafkaProcessRoles(board).includes("broker")
        ? s.kafka
        : { memoryMb: s.kafka.controllerMemoryMb ?? defaultLimitMb["kafka-controller-only"], heapMb: s.kafka.controllerHeapMb };
    case "stargate-coordinator": return s.stargate?.coordinator ?? {};
    case "stargate-graphql": return s.stargate?.graphql ?? {};
    case "graphql-gateway": return s.gateway ?? {};
    case "health-agent": return s.health?.agent ?? {};
    case "health-sink": return s.health?.sink ?? {};
  }
}

export function serviceSizing(inv: Inventory, board: Board, service: ServiceKind): ServiceSizing {
  const c = configured(inv, board, service);
  const memoryMb = c.memoryMb ?? defaultLimitMb[service];
  if (!jvmServices.has(service)) return { service, memoryMb };
  return { service, memoryMb, heapMb: c.heapMb ?? defaultHeapMb(memoryMb) };
}

/** Cassandra's own rule for the young generation: 100 MB per core, at most a quarter of the heap. */
export function cassandraNewSizeMb(inv: Inventory, board: Board, heapMb: number): number {
  return inv.services.cassandra.newSizeMb ?? floor16(Math.min(100 * (boardModel(board.model).cpuCores ?? 2), heapMb / 4));
}

export interface BoardBudget {
  readonly board: string;
  readonly ramMb: number | undefined;
  readonly osReserveMb: number;
  readonly services: ServiceSizing[];
  readonly usedMb: number;
  readonly availableMb: number | undefined;
}

export function boardRamMb(board: Board): number | undefined {
  return boardModel(board.model).ramMb ?? board.ramMb;
}

export function boardBudget(inv: Inventory, board: Board): BoardBudget {
  const services = servicesOn(inv, board).map((s) => serviceSizing(inv, board, s));
  const ramMb = boardRamMb(board);
  const osReserveMb = boardModel(board.model).osReserveMb;
  return {
    board: board.name, ramMb, osReserveMb, services,
    usedMb: services.reduce((sum, s) => sum + s.memoryMb, 0),
    availableMb: ramMb === undefined ? undefined : ramMb - osReserveMb,
  };
}

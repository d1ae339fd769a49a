// Bad inventories: each one is a real stack (stacks/dev.yaml or stacks/lab.yaml) plus one
// named edit, so a change to a stack needs no fixture edits and each entry shows its defect.
// `expect` is the line `npm run validate` must print (fixtures.test.ts checks every entry).
// To look at one as a file: npx ts-node --transpile-only tests/writeBadInventories.ts DIR
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { InventoryInput } from "../model/inventory";
import { rawStack } from "./helpers";

type BoardInput = InventoryInput["boards"][number];

export interface BadInventory {
  readonly base: "dev" | "lab";
  readonly defect: string;
  readonly edit: (raw: InventoryInput) => void;
  readonly expect: string;
}

const board = (raw: InventoryInput, name: string): BoardInput => {
  const b = raw.boards.find((x) => x.name === name);
  if (!b) throw new Error(`no board ${name} in the base stack`);
  return b;
};
/** Sets a field the schema does not know (a misspelling, a secret): the point of those fixtures. */
const setUnknown = (target: object, key: string, value: unknown) => Object.assign(target, { [key]: value });

export const badInventories: Record<string, BadInventory> = {
  "amd64-image-on-arm64": {
    base: "dev", defect: "Stargate v1 image, published for amd64 only, on a Raspberry Pi",
    edit: (raw) => { raw.services.stargate!.coordinator = { image: "stargateio/stargate-4_0:v1.0.77", platforms: ["amd64"] }; },
    expect: "[architecture] board pi-w5, field services.stargate.coordinator.platforms: "
      + "stargate-coordinator image stargateio/stargate-4_0:v1.0.77 is published for amd64 only",
  },
  "cassandra5-with-stargate": {
    base: "dev", defect: "Cassandra 5.0 with Stargate, which supports no 5.x line",
    edit: (raw) => { Object.assign(raw.services.cassandra, { image: "cassandra:5.0.2", version: "5.0.2" }); },
    expect: "[versions] board pi-w5, field services.cassandra.version: Cassandra 5.0.2 is not supported by Stargate v2.0.31",
  },
  "controller-limit-over-1gb-board": {
    base: "dev", defect: "a KRaft controller limit no 1 GB Orange Pi can give",
    edit: (raw) => { raw.services.kafka.controllerMemoryMb = 1024; },
    expect: "[memory-budget] board opi-m1, field services.kafka.controllerMemoryMb: kafka limit 1024 MB is more than this board can give: 768 MB",
  },
  "duplicate-address": {
    base: "dev", defect: "two boards with the same wired address",
    edit: (raw) => { board(raw, "pi-w3").interfaces[0].address = "192.168.50.22"; },
    expect: "[identity] board pi-w2, field interfaces.eth0.address: address 192.168.50.22 is also used by pi-w3",
  },
  "duplicate-board-name": {
    base: "dev", defect: "two boards with the same name",
    edit: (raw) => { board(raw, "pi-w5").name = "pi-w4"; },
    expect: "[identity] board pi-w4, field name: board name pi-w4 is used more than once",
  },
  "duplicate-kafka-id": {
    base: "dev", defect: "two boards with the same Kafka node id",
    edit: (raw) => { raw.identity.kafka["pi-w2"] = 11; },
    expect: "[identity] board pi-w1, field identity.kafka.pi-w1: Kafka node id 11 is also given to pi-w2",
  },
  "even-controller-count": {
    base: "dev", defect: "two KRaft controllers: no majority survives a failure",
    edit: (raw) => { board(raw, "opi-m3").roles = ["swarm-manager", "health-agent"]; },
    expect: "[quorum] board opi-m2, field roles: 2 KRaft controllers",
  },
  "even-swarm-managers": {
    base: "dev", defect: "two swarm managers",
    edit: (raw) => { board(raw, "opi-m3").roles = ["swarm-worker", "kafka-controller", "health-agent"]; },
    expect: "[quorum] board opi-m2, field roles: 2 swarm managers",
  },
  "heap-exceeds-limit": {
    base: "dev", defect: "a Kafka heap that leaves no off-heap room in its container",
    edit: (raw) => { raw.services.kafka.heapMb = 960; },
    expect: "[memory-budget] board pi-w1, field services.kafka.heapMb: kafka heap 960 MB leaves less than 256 MB",
  },
  "lab-board-without-ram": {
    base: "lab", defect: "a simulated board that does not state its RAM",
    edit: (raw) => { delete board(raw, "lab1").ramMb; },
    expect: "[memory-budget] board lab1, field ramMb: a simulated board must state its RAM",
  },
  "data-folder-with-shell": {
    base: "dev", defect: "a data folder that a root script would run as shell",
    edit: (raw) => { board(raw, "pi-w1").storage = { dataDir: "/var/lib/x;touch${IFS}/tmp/pwned" }; },
    expect: "[schema] board pi-w1, field storage.dataDir: an absolute path of letters, digits",
  },
  "malformed-address": {
    base: "dev", defect: "an address that is not IPv4",
    edit: (raw) => { board(raw, "pi-w1").interfaces[0].address = "192.168.50.300"; },
    expect: "[schema] board pi-w1, field interfaces[0].address: ",
  },
  "min-isr-not-below-rf": {
    base: "dev", defect: "min ISR equal to the replication factor: one broker down stops acks=all writes",
    edit: (raw) => { raw.services.kafka.minInsyncReplicas = 3; },
    expect: "[quorum] board pi-w4, field services.kafka.minInsyncReplicas: min ISR 3 must be below ",
  },
  "missing-ledger-id": {
    base: "dev", defect: "a Kafka broker without an id in the identity ledger",
    edit: (raw) => { delete raw.identity.kafka["pi-w4"]; },
    expect: "[identity] board pi-w4, field identity.kafka.pi-w4: runs Kafka but has no node id",
  },
  "misspelt-field": {
    base: "dev", defect: "a misspelt key is an error, never silently ignored",
    edit: (raw) => { const b = board(raw, "pi-w1"); setUnknown(b, "rolse", b.roles); delete (b as Partial<BoardInput>).roles; },
    expect: "[schema] board pi-w1, field rolse: unknown field \"rolse\"",
  },
  "ram-overcommit": {
    base: "dev", defect: "Cassandra sized past what a Pi 4 (8 GB) has next to Kafka",
    edit: (raw) => { raw.services.cassandra.memoryMb = 6656; },
    expect: "[memory-budget] board pi-w1, field roles: services need ",
  },
  "rf-exceeds-racks": {
    base: "lab", defect: "replication factor 3 with Cassandra in two racks",
    edit: (raw) => { board(raw, "lab3").rack = "rack-2"; board(raw, "lab4").rack = "rack-2"; },
    expect: "[quorum] board lab3, field services.cassandra.replicationFactor: replication factor 3 exceeds the 2 racks",
  },
  "secret-in-inventory": {
    base: "dev", defect: "a password written into the plaintext inventory",
    edit: (raw) => { setUnknown(board(raw, "pi-w1"), "password", "raspberry"); },
    expect: "[secrets] board pi-w1, field password: password looks like a secret",
  },
  "service-limit-over-board-ram": {
    base: "dev", defect: "a Cassandra limit larger than a Pi 4 (8 GB) can give at all",
    edit: (raw) => { raw.services.cassandra.memoryMb = 8192; },
    expect: "[memory-budget] board pi-w1, field services.cassandra.memoryMb: cassandra limit 8192 MB is more than this board can give: 7424 MB",
  },
  "gateway-on-stargate-ports": {
    base: "dev", defect: "the GraphQL gateway on the ports Stargate publishes on the same desk",
    edit: (raw) => { Object.assign(raw.services.gateway!, { port: 8080, authPort: 8081 }); },
    expect: "[placement] board pi-w4, field services.gateway.port: the gateway and Stargate both publish port 8080 and 8081",
  },
  "stargate-coordinator-of-another-cassandra-line": {
    base: "dev", defect: "the Stargate coordinator image built for Cassandra 3.11 on a 4.0 ring",
    edit: (raw) => { raw.services.stargate!.coordinator.image = "stargateio/coordinator-3_11:v2.0.31"; },
    expect: "[versions] board pi-w5, field services.stargate.coordinator.image: "
      + "coordinator image stargateio/coordinator-3_11:v2.0.31 speaks Cassandra 3.11, but the ring runs 4.0.19",
  },
  "stargate-beside-cassandra": {
    base: "dev", defect: "Stargate and Cassandra on one board fight over ports 7000 and 9042",
    edit: (raw) => { board(raw, "pi-w4").roles.push("stargate"); },
    expect: "[placement] board pi-w4, field roles: stargate and cassandra on one board",
  },
  "unbalanced-racks": {
    base: "dev", defect: "three Cassandra nodes in one rack, one in another, one alone",
    edit: (raw) => { board(raw, "pi-w3").rack = "rack-a"; board(raw, "pi-w4").rack = "rack-a"; board(raw, "pi-w5").rack = "rack-c"; },
    expect: "[placement] board pi-w4, field rack: Cassandra nodes per rack differ by more than one",
  },
  "unknown-model": {
    base: "dev", defect: "a board model the catalog does not know",
    edit: (raw) => { setUnknown(board(raw, "pi-w1"), "model", "raspberry-pi-3"); },
    expect: "[schema] board pi-w1, field model: ",
  },
  "voters-in-one-rack": {
    base: "dev", defect: "two of three KRaft controllers in one rack",
    edit: (raw) => { board(raw, "opi-m2").rack = "rack-a"; board(raw, "pi-w1").rack = "rack-b"; board(raw, "pi-w2").rack = "rack-a"; },
    expect: "[quorum] board opi-m1, field rack: rack rack-a holds 2 of 3 KRaft controllers",
  },
  "wifi-only-board": {
    base: "dev", defect: "a worker whose only interface is Wi-Fi",
    edit: (raw) => { board(raw, "pi-w2").interfaces = [{ name: "wlan0", kind: "wifi", address: "192.168.60.22" }]; },
    expect: "[wired-ethernet] board pi-w2, field interfaces: no wired interface",
  },
  "wifi-declared-wired": {
    base: "dev", defect: "the Wi-Fi interface declared wired: Cassandra and Kafka would use the Wi-Fi address",
    edit: (raw) => { board(raw, "opi-m3").interfaces = [{ name: "wlan0", kind: "wired", address: "192.168.60.13" }]; },
    expect: "[wired-ethernet] board opi-m3, field interfaces[0].kind: wlan0 is named like a Wi-Fi interface but declared wired",
  },
};

/** The base stack with the named edit applied, as plain data. */
export function badInventoryRaw(name: string): InventoryInput {
  const f = badInventories[name];
  if (!f) throw new Error(`no bad inventory named ${name} (tests/badInventories.ts)`);
  const raw = structuredClone(rawStack(f.base));
  f.edit(raw);
  return raw;
}

/** The same as an inventory file, for the CLI and real previews. */
export function badInventoryYaml(name: string): string {
  const f = badInventories[name];
  return `# Bad inventory ${name} (tests/badInventories.ts): stacks/${f.base}.yaml with ${f.defect}.\n# expect: ${f.expect}\n`
    + stringify(badInventoryRaw(name));
}

/** Writes it to DIR/<name>.yaml (a fresh temporary folder by default) and returns the path. */
export function writeBadInventory(name: string, dir = mkdtempSync(join(tmpdir(), "deskcluster-bad-"))): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, badInventoryYaml(name));
  return file;
}

// The inventory schema: the single source of truth for a desk cluster, and the source of
// its TypeScript types and of stacks/inventory.schema.json (editors complete and check YAML).
import { z } from "zod";
import { boardModelNames } from "./catalog";
import { osNames } from "./operatingSystems";

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "lowercase letters, digits and '-', starting with a letter");
const ipv4 = z.ipv4();
const mb = z.number().int().positive();
const platform = z.enum(["amd64", "arm64"]);

export const roles = [
  "swarm-manager", "swarm-worker", "cassandra", "kafka-controller", "kafka-broker",
  "stargate", "graphql-gateway", "health-agent", "health-sink",
] as const;
export type Role = (typeof roles)[number];

const networkInterface = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9.]{0,14}$/, "an interface name such as eth0 or wlan0"),
  kind: z.enum(["wired", "wifi"]).describe("wired Ethernet or Wi-Fi; cluster traffic must be wired"),
  address: ipv4,
  prefix: z.number().int().min(8).max(32).default(24),
  gateway: ipv4.optional(),
  wiredDespiteName: z.boolean().optional().describe(
    "validate refuses a wired interface named like a Wi-Fi one (wl*: wlan0, wlp2s0, wlx...); "
    + "true says this board really names a wired port so (e.g. renamed by a udev rule)",
  ),
});

const image = {
  image: z.string().min(1),
  platforms: z.array(platform).min(1).describe("architectures the image is published for"),
};
const memory = {
  memoryMb: mb.optional().describe("container memory limit; default from the service's sizing"),
  heapMb: mb.optional().describe("JVM heap; default derived from memoryMb"),
};

const board = z.strictObject({
  name,
  model: z.enum(boardModelNames),
  ramMb: mb.optional().describe("only for model 'lab': the simulated board's RAM"),
  arch: platform.optional().describe("only for model 'lab': the host's architecture"),
  os: z.enum(osNames).optional().describe(
    "the OS flashed on the card; default: the model's usual one (Armbian on an Orange Pi, Raspberry Pi OS otherwise)",
  ),
  sshUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "a Linux user name").optional().describe(
    "the deploy user on this board when it differs from ssh.user (bootstrap makes it; pulumi up logs in as it)",
  ),
  firstUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "a Linux user name").optional().describe(
    "the user the card came with (Raspberry Pi Imager's, or the one Armbian's first login made); only bootstrap and preflight read it",
  ),
  rack: name,
  interfaces: z.array(networkInterface).min(1),
  roles: z.array(z.enum(roles)).min(1),
  // Both reach root scripts on the board: letters, digits and . _ - / only, so no value can be read as shell.
  storage: z.strictObject({
    dataDir: z.string().regex(/^\/[A-Za-z0-9._/-]*$/, "an absolute path of letters, digits, '.', '_', '-' and '/'")
      .default("/var/lib/deskcluster"),
    device: z.string().regex(/^\/dev\/[A-Za-z0-9._/-]+$/, "a block device such as /dev/sda1").optional(),
  }).default({ dataDir: "/var/lib/deskcluster" }),
});

/** Cassandra's own start-up waits: what a node does when the inventory says nothing (and no JVM flag says otherwise). */
export const cassandraStartupDefaults = { ringDelayMs: 30000, gossipSettle: true } as const;

const services = z.strictObject({
  cassandra: z.strictObject({
    ...image, ...memory,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "a Cassandra version such as 4.0.13"),
    newSizeMb: mb.optional(),
    numTokens: z.number().int().min(1).max(256).default(16),
    replicationFactor: z.number().int().min(1).default(3),
    startup: z.strictObject({
      ringDelayMs: z.number().int().min(5000).max(300000).default(cassandraStartupDefaults.ringDelayMs).describe(
        "how long a starting node waits on gossip (Cassandra's ring delay, 30000 by default); a lab on one host needs less",
      ),
      gossipSettle: z.boolean().default(cassandraStartupDefaults.gossipSettle).describe(
        "wait for gossip to settle (about 8 s) before a node serves CQL; false suits a lab, where the roll's gates wait anyway",
      ),
    }).default(cassandraStartupDefaults).describe("node start-up waits; Cassandra's defaults add no JVM flag"),
  }),
  kafka: z.strictObject({
    ...image, ...memory,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "a Kafka version such as 3.9.1"),
    controllerMemoryMb: mb.optional().describe("limit of controller-only nodes"),
    controllerHeapMb: mb.optional(),
    defaultReplicationFactor: z.number().int().min(1).default(3),
    minInsyncReplicas: z.number().int().min(1).default(2),
    rebalance: z.boolean().default(false).describe("reassign deskcluster's topics to include brokers that join (Kafka never moves partitions by itself)"),
  }),
  stargate: z.strictObject({
    version: z.string().regex(/^v\d+\.\d+\.\d+$/, "a Stargate version such as v2.0.31"),
    coordinator: z.strictObject({ ...image, ...memory }),
    graphql: z.strictObject({ ...image, ...memory }).describe("one GraphQL API beside each coordinator"),
  }).optional(),
  gateway: z.strictObject({
    ...image,
    memoryMb: mb.optional(),
    port: z.number().int().min(1).max(65535).default(8080).describe("GraphQL port; Stargate's by default, so Stargate clients work unchanged"),
    authPort: z.number().int().min(1).max(65535).default(8081).describe("the /v1/auth port (the GraphQL port answers it too)"),
  }).optional().describe("deskcluster's own Stargate-compatible GraphQL gateway and health dashboard, on graphql-gateway boards"),
  health: z.strictObject({
    agent: z.strictObject({ ...image, memoryMb: mb.optional() }),
    sink: z.strictObject({ ...image, memoryMb: mb.optional() }),
    topic: z.string().regex(/^[a-zA-Z0-9._-]+$/).default("deskcluster.health"),
    keyspace: z.string().regex(/^[a-z][a-z0-9_]*$/).default("deskcluster"),
    ttlDays: z.number().int().min(1).max(3650).default(7),
    tempAlertC: z.number().min(20).max(150).default(80).describe("the dashboard alerts when a board's CPU is hotter than this"),
  }).optional(),
});

export const inventorySchema = z.strictObject({
  cluster: z.strictObject({
    name,
    datacenter: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/),
  }),
  admin: z.strictObject({ name, address: ipv4 }).describe("the host that runs pulumi (the admin Pi)"),
  ssh: z.strictObject({ user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "a Linux user name").default("pi"), port: z.number().int().default(22) }).default({ user: "pi", port: 22 }),
  network: z.strictObject({
    manage: z.boolean().default(true).describe("write a static address for the wired interface; false for simulated boards"),
    dns: z.array(ipv4).default([]),
  }).default({ manage: true, dns: [] }),
  swarm: z.strictObject({
    endpointMode: z.enum(["vip", "dnsrr"]).default("vip").describe("dnsrr where the kernel lacks IPVS (the lab)"),
    publishMode: z.enum(["ingress", "host"]).default("ingress"),
    overlayNetwork: name.default("deskcluster"),
  }).default({ endpointMode: "vip", publishMode: "ingress", overlayNetwork: "deskcluster" }),
  registryMirror: z.url().optional().describe("a registry mirror for air-gapped desks"),
  insecureRegistries: z.array(z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, "a registry as host or host:port")).default([]),
  services,
  identity: z.strictObject({
    kafka: z.record(name, z.number().int().min(0).max(2147483647))
      .describe("Kafka node id per board; never derived from list order"),
  }),
  boards: z.array(board).min(1),
});

export type InventoryInput = z.input<typeof inventorySchema>;
export type Inventory = z.output<typeof inventorySchema>;
export type Board = Inventory["boards"][number];
export type NetworkInterface = Board["interfaces"][number];
export type Services = Inventory["services"];

/** The user deskcluster logs in as on a board: its own `sshUser`, else the desk's `ssh.user`. */
export const sshUserOf = (inventory: Pick<Inventory, "ssh">, board: Pick<Board, "sshUser">): string => board.sshUser ?? inventory.ssh.user;

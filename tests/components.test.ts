// The graph under Pulumi mocks: shape, parents, env vars, secrets and the order of Cassandra joins.
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { swarmObjectType } from "../providers/swarmObject";
import { resourceTypes } from "../providers/resourceTypes";
import { stack } from "./helpers";

interface Registered { type: string; name: string; parent: string; deps: string[]; raw: string; inputs: Record<string, unknown> }
const secretSig = "4dabf18193072939515e22adb298388d";
const nameOf = (urn: string) => urn.split("::").pop()!;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const unwrapped = (v: any): any => (v && typeof v === "object" && secretSig in v ? v.value : v);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs and recipes travel as JSON strings (providers/flatProps.ts).
const plain = (v: any): any => { const u = unwrapped(v); return typeof u === "string" && /^[[{]/.test(u) ? JSON.parse(u) : u; };
const hostKeys = { lab1: "ssh-ed25519 AAAA1", lab2: "ssh-ed25519 AAAA2", lab3: "ssh-ed25519 AAAA3", lab4: "ssh-ed25519 AAAA4" };
const password = "s3cret-pw";
const clusterId = "MkU4NzA0ZTQ2YjI0NDE1Mg";
/** Every secret the graph is given or creates, as it is spelt inside serialized inputs (JSON-escaped). */
const secretValues: Record<string, string> = {
  "Cassandra password": password,
  "Cassandra password (base64)": Buffer.from(password).toString("base64"),
  "manager join token": "SWMTKN-m",
  "worker join token": "SWMTKN-w",
  "Kafka cluster id": clusterId,
};
/** The inputs with every secret-wrapped value replaced by a marker: what anyone reading the state sees. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const masked = (v: any): any => {
  if (Array.isArray(v)) return v.map(masked);
  if (!v || typeof v !== "object") return v;
  if (secretSig in v) return "[secret]";
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, masked(x)]));
};

async function buildLab(): Promise<Registered[]> {
  process.env.DESKCLUSTER_CACHE = mkdtempSync(join(tmpdir(), "deskcluster-test-"));
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks({
    newResource: (args) => ({
      id: `${args.name}-id`,
      state: {
        ...args.inputs,
        stdout: args.name.endsWith("-tokens") ? JSON.stringify({ manager: "SWMTKN-m", worker: "SWMTKN-w" }) : "ok",
        ...(args.type === resourceTypes.clusterId ? { clusterId } : {}),
      },
    }),
    call: () => ({}),
  }, "deskcluster", "lab", true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    const raw = req.getObject()?.toJavaScript() ?? {};
    registered.push({
      type: req.getType(), name: req.getName(), parent: req.getParent(), deps: req.getDependenciesList(), raw: JSON.stringify(raw), inputs: raw,
    });
    return register(req, cb);
  };
  const { DeskCluster } = await import("../components/deskCluster");
  const cluster = new DeskCluster("lab", {
    inventory: stack("lab"),
    ssh: { user: "pi", users: { lab4: "deploy4" }, port: 22, hostKeys: pulumi.secret(hostKeys) },
    cassandraSuperuserPassword: pulumi.secret(password),
  });
  await new Promise((resolve) => pulumi.all([cluster.urn, cluster.kafka.clusterId, cluster.cassandra.ready]).apply(resolve));
  // Let the last registrations drain: the count stops changing once the graph is complete.
  for (let last = -1; last !== registered.length;) { last = registered.length; await new Promise((r) => setTimeout(r, 300)); }
  return registered;
}

describe("components (Pulumi mocks, lab inventory)", function () {
  let r: Registered[];
  const one = (name: string) => { const x = r.find((e) => e.name === name); assert.ok(x, `no resource ${name}`); return x!; };
  const nodeSpecs = (system: string) => plain(one(`${system}-nodes`).inputs.specs) as Record<string, any>;
  /** A service's spec: its own resource's, or its entry in the rolled set of its system. */
  const specOf = (service: string) => {
    const system = service.split("-")[0];
    return ["cassandra", "kafka"].includes(system) ? nodeSpecs(system)[service] : plain(one(service).inputs.spec);
  };
  const cache = process.env.DESKCLUSTER_CACHE;
  before(async () => { r = await buildLab(); });
  // Later tests in this mocha process run real previews: their toolchain lives in the real
  // cache, and an empty one would compile Pulumi again.
  after(() => { if (cache === undefined) delete process.env.DESKCLUSTER_CACHE; else process.env.DESKCLUSTER_CACHE = cache; });

  it("builds one component per board and one per service group", () => {
    const count = (t: string) => r.filter((e) => e.type === t).length;
    assert.equal(count("deskcluster:index:DeskCluster"), 1);
    assert.equal(count("deskcluster:index:Board"), 4);
    assert.equal(count("deskcluster:index:Swarm"), 1);
    assert.equal(count("deskcluster:index:CassandraRing"), 1);
    assert.equal(count("deskcluster:index:KafkaCluster"), 1);
    assert.equal(count("deskcluster:index:Stargate"), 0);
    assert.equal(count("deskcluster:index:GraphqlGateway"), 1);
    assert.equal(count("deskcluster:index:HealthPipeline"), 1);
    const services = r.filter((e) => e.type === swarmObjectType("service")).map((e) => e.name).sort();
    assert.deepEqual(services, ["gateway-service", "health-agent", "health-sink-lab4"]);
    // The stateful services are each one rolled set: Cassandra and Kafka change one node at a time.
    assert.deepEqual(Object.keys(nodeSpecs("cassandra")).sort(), ["cassandra-lab1", "cassandra-lab2", "cassandra-lab3"]);
    assert.deepEqual(Object.keys(nodeSpecs("kafka")).sort(), ["kafka-lab1", "kafka-lab2", "kafka-lab3"]);
  });

  it("parents every resource to its component", () => {
    assert.match(one("cassandra-nodes").parent, /deskcluster:index:CassandraRing::cassandra$/);
    assert.match(one("kafka-nodes").parent, /deskcluster:index:KafkaCluster::kafka$/);
    assert.match(one("lab3-docker").parent, /deskcluster:index:Board::lab3$/);
    assert.match(one("swarm-join-lab2").parent, /deskcluster:index:Swarm::swarm$/);
    for (const e of r.filter((x) => x.type !== "deskcluster:index:DeskCluster" && !x.type.startsWith("pulumi:providers:"))) {
      assert.ok(e.parent, `${e.name} has no parent`);
    }
  });

  it("pulls each board's images once Docker runs, beside the swarm's forming, not before it", () => {
    const deps = (n: string) => one(n).deps.map(nameOf);
    for (const b of ["lab1", "lab2", "lab3", "lab4"]) {
      assert.deepEqual(deps(`${b}-images`), [`${b}-docker`]);
      assert.ok(deps(`swarm-join-${b}`).includes(`${b}-docker`), deps(`swarm-join-${b}`).join());
      assert.ok(!deps(`swarm-join-${b}`).some((d) => d.endsWith("-images")), `swarm-join-${b} waits for the pulls: ${deps(`swarm-join-${b}`).join()}`);
    }
    assert.ok(!deps("swarm-init").some((d) => d.endsWith("-images")), deps("swarm-init").join());
  });

  it("rolls each stateful system through one resource, after the swarm, then configures auth", () => {
    const deps = (n: string) => one(n).deps.map(nameOf);
    assert.deepEqual(one("cassandra-nodes").type, resourceTypes.cassandraRoll);
    assert.deepEqual(one("kafka-nodes").type, resourceTypes.kafkaRoll);
    // On the swarm's one outcome resource, not on the whole Swarm component (linear plans).
    assert.ok(deps("cassandra-nodes").includes("swarm-overlay"), deps("cassandra-nodes").join());
    assert.ok(!deps("cassandra-nodes").some((d) => d.startsWith("swarm-join")), deps("cassandra-nodes").join());
    for (const b of ["lab1", "lab2", "lab3"]) assert.ok(deps("cassandra-nodes").includes(`cassandra-${b}-yaml`));
    assert.ok(deps("cassandra-auth").includes("cassandra-nodes"));
    assert.deepEqual(plain(one("cassandra-nodes").inputs.nodes).map((n: { board: string; rack: string }) => [n.board, n.rack]),
      [["lab1", "rack-1"], ["lab2", "rack-2"], ["lab3", "rack-3"]]);
    assert.ok(deps("gateway-schema").includes("cassandra-auth"), "the gateway waits for the whole ring");
    assert.ok(deps("gateway-service").includes("gateway-schema"));
    assert.ok(deps("gateway-lab4-ready").includes("gateway-service"));
  });

  it("gives containers the model's env vars", () => {
    const env = (n: string) => Object.fromEntries((specOf(n).TaskTemplate.ContainerSpec.Env as string[]).map((e) => e.split(/=(.*)/s).slice(0, 2)));
    assert.equal(env("cassandra-lab2").CASSANDRA_RACK, "rack-2");
    assert.equal(env("cassandra-lab2").CASSANDRA_SEEDS, "172.30.77.11,172.30.77.12,172.30.77.13");
    assert.equal(env("gateway-service").GATEWAY_CASSANDRA_CONTACT_POINTS, "172.30.77.11,172.30.77.12,172.30.77.13");
    assert.equal(env("kafka-lab3").KAFKA_NODE_ID, "3");
    assert.equal(env("kafka-lab3").KAFKA_CONTROLLER_QUORUM_VOTERS, "1@172.30.77.11:9093,2@172.30.77.12:9093,3@172.30.77.13:9093");
  });

  it("keeps secrets secret: keys, host keys, join tokens, the password and the cluster id", () => {
    const isSecretAt = (e: Registered, key: string) => JSON.stringify((e.inputs as any)[key] ?? {}).includes(secretSig);
    // A step sends its board's address only: the plugin pins the host key from config, so no key is in any input.
    assert.deepEqual(plain(one("lab1-base").inputs.connection), { board: "lab1", host: "172.30.77.11", port: 22, user: "pi" });
    // A board's own deploy user (inventory sshUser) where it differs from ssh.user.
    assert.equal(plain(one("lab4-base").inputs.connection).user, "deploy4");
    for (const [b, k] of Object.entries(hostKeys)) assert.ok(!r.some((e) => e.raw.includes(k)), `the host key of ${b} is in a resource's inputs`);
    assert.ok(isSecretAt(one("swarm-join-lab2"), "stdin"), "join token");
    assert.ok(isSecretAt(one("cassandra-auth"), "stdin"), "superuser password");
    assert.ok(isSecretAt(one("kafka-nodes"), "secretEnv"), "CLUSTER_ID for the Kafka env");
    assert.ok(!JSON.stringify(one("kafka-nodes").inputs.specs).includes("CLUSTER_ID"), "the readable specs have no CLUSTER_ID");
    assert.ok(isSecretAt(one("health-cassandra-password"), "spec"), "the swarm secret's data");
    assert.ok(isSecretAt(one("gateway-cassandra-password"), "spec"), "the gateway's swarm secret");
    assert.ok(isSecretAt(one("gateway-schema"), "stdin"), "the password for the token table's cqlsh");
    assert.ok(isSecretAt(one("health-schema"), "stdin"), "the password for the schema's cqlsh");
    // Each secret value, in every form it takes in the graph, may appear only inside a secret:
    // with every secret-wrapped value masked, no resource's inputs may still contain it.
    for (const [what, value] of Object.entries(secretValues)) {
      assert.ok(r.some((e) => e.raw.includes(value)), `${what} never reaches the graph: this check would prove nothing`);
      for (const e of r) assert.ok(!JSON.stringify(masked(e.inputs)).includes(value), `${e.name} carries the ${what} in plain text`);
    }
    assert.ok(one("swarm-join-lab2").raw.includes("SWMTKN-m"), "a manager joins with the manager token");
    assert.ok(one("swarm-join-lab4").raw.includes("SWMTKN-w"), "a worker joins with the worker token");
  });

  it("protects the Kafka cluster id and records each node's identity", () => {
    const ids = r.filter((e) => e.type === resourceTypes.kafkaIdentity);
    assert.deepEqual(ids.map((e) => [e.name, e.inputs.nodeId, e.inputs.rack]), [
      ["kafka-lab1-identity", 1, "rack-1"], ["kafka-lab2-identity", 2, "rack-2"], ["kafka-lab3-identity", 3, "rack-3"],
    ]);
    assert.equal(r.filter((e) => e.type.endsWith(":ClusterId")).length, 1);
  });

  it("pins each service to its board with a memory limit from the budget", () => {
    const spec = (n: string) => specOf(n).TaskTemplate;
    assert.deepEqual(spec("kafka-lab2").Placement.Constraints, ["node.hostname==lab2"]);
    assert.equal(spec("cassandra-lab1").Resources.Limits.MemoryBytes, 1280 * 1024 * 1024);
    assert.deepEqual(spec("cassandra-lab1").Networks, [{ Target: "host" }]);
    assert.equal(specOf("kafka-lab2").TaskTemplate.ContainerSpec.StopGracePeriod, 90e9, "time for a controlled shutdown");
  });

  it("runs the health agent on every health-agent board and the sink after topic, table and secret", () => {
    const agent = plain(one("health-agent").inputs.spec);
    assert.deepEqual(agent.Mode, { Global: {} });
    assert.deepEqual(agent.TaskTemplate.Placement.Constraints, ["node.labels.deskcluster.role.health-agent==true"]);
    assert.deepEqual(agent.TaskTemplate.ContainerSpec.Mounts, [{ Type: "bind", Source: "/", Target: "/host", ReadOnly: true }]);
    assert.ok(agent.TaskTemplate.ContainerSpec.Env.includes("HEALTH_BOARD={{.Node.Hostname}}"));
    const sink = plain(one("health-sink-lab4").inputs.spec).TaskTemplate.ContainerSpec;
    assert.deepEqual(sink.Secrets, [
      { SecretName: "deskcluster-cassandra-password", File: { Name: "cassandra-password", UID: "10001", GID: "10001", Mode: 0o400 } },
    ]);
    const deps = one("health-sink-lab4").deps.map(nameOf);
    for (const d of ["health-topic", "health-schema", "health-cassandra-password"]) assert.ok(deps.includes(d), `sink waits for ${d}`);
    assert.ok(one("health-schema").deps.map(nameOf).includes("cassandra-auth"), "the table waits for the ring");
    assert.ok(one("health-topic").deps.map(nameOf).includes("kafka-ready"), "the topic waits for the brokers");
    assert.ok(one("kafka-ready").deps.map(nameOf).includes("kafka-nodes"));
  });
});

// The policy pack's rules, called as the engine calls them, with passing and failing plans.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import assert from "node:assert/strict";
import { planCluster } from "../model/clusterPlan";
import { Inventory } from "../model/inventory";
import { deskClusterType, policies } from "../policies/deskclusterPolicies";
import { agentEnv } from "../model/healthConfig";
import { globalServiceSpec, pinnedServiceSpec } from "../model/swarmServiceSpec";
import { remoteCommandType } from "../providers/remoteCommand";
import { swarmObjectType } from "../providers/swarmObject";
import { stack } from "./helpers";

function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
  return {
    type, name, urn: `urn:pulumi:test::deskcluster::${type}::${name}`, props, opts: {} as PolicyResource["opts"], dependencies: [], propertyDependencies: {},
    isType: () => false, asType: () => undefined,
  } as unknown as PolicyResource;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const task = (r: PolicyResource): any => r.props.spec.TaskTemplate;
const setEnv = (r: PolicyResource, key: string, value: string) => task(r).ContainerSpec.Env.push(`${key}=${value}`);

/** The resources a preview of this inventory registers, as far as the policies look at them. */
function planResources(inv: Inventory): PolicyResource[] {
  const plan = planCluster(inv);
  return [
    resource(deskClusterType, inv.cluster.name, { inventory: inv }),
    ...plan.boards.map((b) => resource(remoteCommandType, `${b.name}-base`, { create: "true", connection: { board: b.name, host: b.address, hostKey: "ssh-ed25519 AAAA" } })),
    ...plan.cassandra.nodes.map((n) => resource(swarmObjectType("service"), `cassandra-${n.board}`, {
      kind: "service",
      spec: pinnedServiceSpec({
        name: `cassandra-${n.board}`, board: n.board, image: inv.services.cassandra.image, env: n.env, network: "host", endpointMode: "dnsrr",
        memoryMb: plan.boards.find((b) => b.name === n.board)!.budget.services[0].memoryMb,
      }),
    })),
  ];
}

function run(policy: StackValidationPolicy, resources: PolicyResource[]): string[] {
  const out: string[] = [];
  policy.validateStack({ resources, stackTags: new Map() } as never, (message?: string) => out.push(message ?? ""));
  return out;
}
const policy = (name: string) => policies.find((p) => p.name === name)!;

describe("policy pack", () => {
  it("passes the dev and lab plans under every policy", () => {
    for (const inv of [stack("dev"), stack("lab")]) {
      for (const p of policies) assert.deepEqual(run(p, planResources(inv)), [], p.name);
    }
  });

  it("refuses a planned address on Wi-Fi, naming board and interface", () => {
    const inv = stack("dev");
    const resources = planResources(inv);
    const svc = resources.find((r) => r.name === "cassandra-pi-w2")!;
    task(svc).ContainerSpec.Env = task(svc).ContainerSpec.Env.filter((e: string) => !e.startsWith("CASSANDRA_BROADCAST_ADDRESS="));
    setEnv(svc, "CASSANDRA_BROADCAST_ADDRESS", "192.168.60.22");
    assert.deepEqual(run(policy("wired-ethernet"), resources), [
      "[wired-ethernet] board pi-w2, field interfaces.wlan0: service cassandra-pi-w2 env CASSANDRA_BROADCAST_ADDRESS uses 192.168.60.22 on Wi-Fi interface wlan0; cluster traffic must be on wired Ethernet",
    ]);
  });

  it("refuses a Wi-Fi-only board from the inventory the component received", () => {
    const inv = stack("dev", (raw) => { raw.boards.find((b) => b.name === "pi-w5")!.interfaces = [{ name: "wlan0", kind: "wifi", address: "192.168.60.25" }]; });
    const out = run(policy("wired-ethernet"), [resource(deskClusterType, "x", { inventory: inv })]);
    assert.equal(out.length, 1);
    assert.match(out[0], /^\[wired-ethernet\] board pi-w5, field interfaces: no wired interface/);
  });

  it("refuses a planned service over its board's RAM and a heap without headroom", () => {
    const resources = planResources(stack("dev"));
    const svc = resources.find((r) => r.name === "cassandra-pi-w1")!;
    task(svc).Resources.Limits.MemoryBytes = 8000 * 1024 * 1024;
    task(svc).ContainerSpec.Env = task(svc).ContainerSpec.Env.filter((e: string) => !e.startsWith("MAX_HEAP_SIZE="));
    setEnv(svc, "MAX_HEAP_SIZE", "7900M");
    const out = run(policy("memory-budget"), resources);
    assert.ok(out.some((m) => m.startsWith("[memory-budget] board pi-w1, field service cassandra-pi-w1 heap: heap 7900 MB")), out.join("\n"));
    assert.ok(out.some((m) => m.startsWith("[memory-budget] board pi-w1, field roles: planned services (cassandra-pi-w1 8000) need 8000 MB + 768 MB OS reserve > 8192 MB RAM")), out.join("\n"));
  });

  it("refuses a service without a memory limit", () => {
    const resources = planResources(stack("lab"));
    delete task(resources.find((r) => r.name === "cassandra-lab1")!).Resources;
    assert.match(run(policy("memory-budget"), resources).join("\n"), /board lab1, field service cassandra-lab1 limits\.memoryBytes/);
  });

  it("refuses even controllers, duplicate ids and Cassandra 5 through the shared rules", () => {
    const even = stack("dev", (raw) => { raw.boards.find((b) => b.name === "opi-m3")!.roles = ["swarm-manager"]; });
    assert.match(run(policy("quorum-and-placement"), [resource(deskClusterType, "x", { inventory: even })]).join("\n"), /\[quorum\] board opi-m2, field roles: 2 KRaft controllers/);
    const dup = stack("dev", (raw) => { raw.identity.kafka["pi-w3"] = 12; });
    assert.match(run(policy("identity"), [resource(deskClusterType, "x", { inventory: dup })]).join("\n"), /board pi-w2, field identity\.kafka\.pi-w2: Kafka node id 12/);
    const c5 = stack("dev", (raw) => { raw.services.cassandra.version = "5.0.2"; });
    assert.match(run(policy("architecture-and-versions"), [resource(deskClusterType, "x", { inventory: c5 })]).join("\n"), /\[versions\] board pi-w5, field services\.cassandra\.version/);
  });

  it("refuses SSH without a pinned host key and passwords in service env", () => {
    const resources = planResources(stack("lab"));
    delete resources.find((r) => r.name === "lab2-base")!.props.connection.hostKey;
    setEnv(resources.find((r) => r.name === "cassandra-lab3")!, "CASSANDRA_PASSWORD", "cassandra");
    const out = run(policy("secrets-and-host-keys"), resources);
    assert.deepEqual(out.map((m) => m.split(":")[0]), ["[secrets] board lab2, field lab2-base connection.hostKey", "[secrets] board lab3, field service cassandra-lab3 env CASSANDRA_PASSWORD"]);
  });

  it("counts a global service on every board carrying its role: a greedy agent overfills the 1 GB managers", () => {
    const inv = stack("dev");
    const agent = (memoryMb: number) => resource(swarmObjectType("service"), "health-agent", {
      kind: "service",
      spec: globalServiceSpec({ name: "health-agent", role: "health-agent", image: "deskcluster/health-agent:0.1.0", env: agentEnv(inv), memoryMb, network: "host", endpointMode: "dnsrr" }),
    });
    const kafka = (board: string) => resource(swarmObjectType("service"), `kafka-${board}`, {
      kind: "service",
      spec: pinnedServiceSpec({ name: `kafka-${board}`, board, image: inv.services.kafka.image, env: {}, network: "host", endpointMode: "dnsrr", memoryMb: 512 }),
    });
    const base = [resource(deskClusterType, inv.cluster.name, { inventory: inv }), kafka("opi-m1"), kafka("opi-m2"), kafka("opi-m3")];
    assert.deepEqual(run(policy("memory-budget"), [...base, agent(96)]), []);
    const out = run(policy("memory-budget"), [...base, agent(400)]);
    assert.deepEqual(out.map((m) => m.slice(0, m.indexOf(":"))), ["[memory-budget] board opi-m1, field roles", "[memory-budget] board opi-m2, field roles", "[memory-budget] board opi-m3, field roles"]);
    assert.match(out[0], /kafka-opi-m1 512, health-agent 400\) need 912 MB \+ \d+ MB OS reserve > 1024 MB RAM/);
  });
});

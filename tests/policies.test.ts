// The policy pack's rules, called as the engine calls them: on the plan of a real preview of
// the dev stack (passing, and edited into failing ones), and on inventories the component gets.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import assert from "node:assert/strict";
import { deskClusterType, policies } from "../policies/deskclusterPolicies";
import { stack } from "./helpers";
import { devPreview } from "./realPreview";

function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
  return {
    type, name, urn: `urn:pulumi:test::deskcluster::${type}::${name}`, props, opts: {} as PolicyResource["opts"], dependencies: [], propertyDependencies: {},
    isType: () => false, asType: () => undefined,
  } as unknown as PolicyResource;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const task = (r: PolicyResource): any => r.props.spec.TaskTemplate;
const setEnv = (r: PolicyResource, key: string, value: string) => task(r).ContainerSpec.Env.push(`${key}=${value}`);

/**
 * The plan of a real `pulumi preview` of the dev stack, as the engine handed it to the policy
 * pack in that preview (tests/policyCapture), fresh for each test to edit into a failing plan.
 */
function realDevPlan(): PolicyResource[] {
  const { preview, policyResources } = devPreview();
  assert.ok(policyResources.length > 0, `the preview handed no plan to the policies:\n${preview.text.slice(-3000)}`);
  return structuredClone(policyResources).map((r) => ({ ...resource(r.type, r.name, r.props), urn: r.urn, provider: r.provider }) as PolicyResource);
}
/** A resource of the plan by name; a Cassandra or Kafka node is a spec inside its system's rolled set (edits go there). */
const named = (plan: PolicyResource[], name: string) => {
  const r = plan.find((x) => x.name === name);
  if (r) return r;
  const roll = plan.find((x) => (x.props.specs as Record<string, unknown> | undefined)?.[name]);
  assert.ok(roll, `no resource ${name} in the plan`);
  return { ...roll!, name, props: { spec: (roll!.props.specs as Record<string, unknown>)[name] } } as PolicyResource;
};
const setLimitMb = (r: PolicyResource, mb: number) => { task(r).Resources.Limits.MemoryBytes = mb * 1024 * 1024; };
const replaceEnv = (r: PolicyResource, key: string, value: string) => {
  task(r).ContainerSpec.Env = task(r).ContainerSpec.Env.filter((e: string) => !e.startsWith(`${key}=`));
  setEnv(r, key, value);
};

function run(policy: StackValidationPolicy, resources: PolicyResource[]): string[] {
  const out: string[] = [];
  policy.validateStack({ resources, stackTags: new Map() } as never, (message?: string) => out.push(message ?? ""));
  return out;
}
const policy = (name: string) => policies.find((p) => p.name === name)!;

describe("policy pack", function () {
  this.timeout(180_000);

  it("passes the plan of a real dev preview under every policy", () => {
    const plan = realDevPlan();
    const steps = (devPreview().preview.json.steps as { urn: string }[]).map((x) => x.urn);
    assert.deepEqual(plan.map((r) => r.urn).filter((u) => !u.includes("::pulumi:providers:")).sort(), [...steps].sort(), "the policies saw the previewed plan");
    for (const p of policies) assert.deepEqual(run(p, plan), [], p.name);
    assert.ok(devPreview().preview.ok, devPreview().preview.text.slice(-3000));
  });

  it("refuses a planned address on Wi-Fi, naming board and interface", () => {
    const plan = realDevPlan();
    replaceEnv(named(plan, "cassandra-pi-w2"), "CASSANDRA_BROADCAST_ADDRESS", "192.168.60.22");
    assert.deepEqual(run(policy("wired-ethernet"), plan), [
      "[wired-ethernet] board pi-w2, field interfaces.wlan0: service cassandra-pi-w2 env CASSANDRA_BROADCAST_ADDRESS uses 192.168.60.22 "
        + "on Wi-Fi interface wlan0; cluster traffic must be on wired Ethernet",
    ]);
  });

  it("refuses a Wi-Fi-only board from the inventory the component received", () => {
    const inv = stack("dev", (raw) => {
      raw.boards.find((b) => b.name === "pi-w5")!.interfaces = [{ name: "wlan0", kind: "wifi", address: "192.168.60.25" }];
    });
    const out = run(policy("wired-ethernet"), [resource(deskClusterType, "x", { inventory: inv })]);
    assert.equal(out.length, 1);
    assert.match(out[0], /^\[wired-ethernet\] board pi-w5, field interfaces: no wired interface/);
  });

  it("refuses a planned service over its board's RAM and a heap without headroom", () => {
    const plan = realDevPlan();
    const svc = named(plan, "cassandra-pi-w1");
    setLimitMb(svc, 8000);
    replaceEnv(svc, "MAX_HEAP_SIZE", "7900M");
    const out = run(policy("memory-budget"), plan);
    assert.ok(out.some((m) => m.startsWith("[memory-budget] board pi-w1, field service cassandra-pi-w1 heap: heap 7900 MB")), out.join("\n"));
    // The engine registers resources in no fixed order: the services are listed in plan order.
    const ram = out.find((m) => m.startsWith("[memory-budget] board pi-w1, field roles: planned services (")) ?? out.join("\n");
    for (const s of ["cassandra-pi-w1 8000", "kafka-pi-w1 1024", "health-agent 96", ") need 9120 MB + 768 MB OS reserve > 8192 MB RAM"]) {
      assert.ok(ram.includes(s), ram);
    }
  });

  it("refuses a service without a memory limit", () => {
    const plan = realDevPlan();
    delete task(named(plan, "kafka-opi-m2")).Resources;
    assert.match(run(policy("memory-budget"), plan).join("\n"), /board opi-m2, field service kafka-opi-m2 limits\.memoryBytes/);
  });

  it("refuses even controllers, duplicate ids and Cassandra 5 through the shared rules", () => {
    const even = stack("dev", (raw) => { raw.boards.find((b) => b.name === "opi-m3")!.roles = ["swarm-manager"]; });
    const refused = (name: string, inventory: unknown) => run(policy(name), [resource(deskClusterType, "x", { inventory })]).join("\n");
    assert.match(refused("quorum-and-placement", even), /\[quorum\] board opi-m2, field roles: 2 KRaft controllers/);
    const dup = stack("dev", (raw) => { raw.identity.kafka["pi-w3"] = 12; });
    assert.match(refused("identity", dup), /board pi-w2, field identity\.kafka\.pi-w2: Kafka node id 12/);
    const c5 = stack("dev", (raw) => { raw.services.cassandra.version = "5.0.2"; });
    assert.match(refused("architecture-and-versions", c5), /\[versions\] board pi-w5, field services\.cassandra\.version/);
  });

  it("refuses SSH without a pinned host key and passwords in service env", () => {
    const plan = realDevPlan();
    // The step sends the board's address only; its provider pins the key from config deskcluster:hostKeys.
    const base = named(plan, "pi-w2-base");
    assert.equal(base.props.connection.hostKey, undefined, "the plan carries no host key");
    const keys = JSON.parse(base.provider!.props.hostKeys as string) as Record<string, string>;
    assert.match(keys["pi-w2"], /^ssh-ed25519 /);
    delete keys["pi-w2"];
    base.provider = { ...base.provider!, props: { hostKeys: JSON.stringify(keys) } };
    setEnv(named(plan, "cassandra-pi-w3"), "CASSANDRA_PASSWORD", "cassandra");
    const out = run(policy("secrets-and-host-keys"), plan);
    assert.deepEqual(out.map((m) => m.split(":")[0]).sort(), [
      "[secrets] board pi-w2, field pi-w2-base connection.hostKey", "[secrets] board pi-w3, field service cassandra-pi-w3 env CASSANDRA_PASSWORD",
    ]);
  });

  it("counts a global service on every board carrying its role: a greedy agent overfills the 1 GB managers", () => {
    const plan = realDevPlan();
    setLimitMb(named(plan, "health-agent"), 400);
    const out = run(policy("memory-budget"), plan).sort();
    assert.deepEqual(out.map((m) => m.slice(0, m.indexOf(":"))), [
      "[memory-budget] board opi-m1, field roles", "[memory-budget] board opi-m2, field roles", "[memory-budget] board opi-m3, field roles",
    ]);
    for (const s of ["kafka-opi-m1 512", "health-agent 400", ") need 912 MB + 256 MB OS reserve > 1024 MB RAM"]) assert.ok(out[0].includes(s), out[0]);
  });
});

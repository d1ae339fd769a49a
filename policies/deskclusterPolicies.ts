// The policy pack's rules. Each one runs the model's own checks: on the inventory the
// DeskCluster component received, and on the services and SSH commands the plan contains.
import { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { Inventory } from "../model/inventory";
import { checkPlannedAddresses, checkPlannedMemory, PlannedService } from "../model/planChecks";
import { checkArchitecture } from "../model/rules/architecture";
import { checkMemoryBudget } from "../model/rules/memoryBudget";
import { checkPlacement } from "../model/rules/placement";
import { checkQuorum } from "../model/rules/quorum";
import { checkUniqueness } from "../model/rules/uniqueness";
import { checkVersions } from "../model/rules/versions";
import { checkWiredEthernet } from "../model/rules/wiredEthernet";
import { specMemoryMb } from "../model/swarmServiceSpec";
import { formatViolation, Violation } from "../model/violation";
import { unflatten } from "../providers/flatProps";
import { remoteCommandType } from "../providers/remoteCommand";
import { rollTypes } from "../providers/serviceRoll";
import { swarmObjectType } from "../providers/swarmObject";

export const deskClusterType = "deskcluster:index:DeskCluster";
const isService = (r: PolicyResource) => r.type === swarmObjectType("service") && r.props.spec;
/** A rolled set of services (Cassandra, Kafka): one resource, a spec per node. */
const isRoll = (r: PolicyResource) => rollTypes.includes(r.type) && r.props.specs;
const rolledServices = (r: PolicyResource): PolicyResource[] =>
  Object.entries(r.props.specs as Record<string, unknown>).map(([name, spec]) => ({ ...r, name, props: { spec } }));
const isCommand = (r: PolicyResource) => r.type === remoteCommandType && r.props.connection;

export interface PlanView {
  readonly inventory?: Inventory;
  readonly services: PlannedService[];
  readonly sshHosts: { resource: string; host: string; hostKey?: string }[];
}

/** A pinned service runs on its board; a global one on every board carrying its role label. */
function toServices(r: PolicyResource, inv: Inventory | undefined): PlannedService[] {
  const spec = r.props.spec;
  const task = spec.TaskTemplate ?? {};
  const constraints = (task.Placement?.Constraints ?? []) as string[];
  const env = Object.fromEntries(((task.ContainerSpec?.Env ?? []) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const service = { name: spec.Name ?? r.name, env, memoryMb: specMemoryMb(spec) };
  const pinned = constraints.find((c) => c.startsWith("node.hostname=="));
  if (pinned) return [{ ...service, board: pinned.slice("node.hostname==".length) }];
  const role = constraints.map((c) => /^node\.labels\.deskcluster\.role\.([a-z-]+)==true$/.exec(c)?.[1]).find(Boolean);
  if (role && inv) return inv.boards.filter((b) => (b.roles as string[]).includes(role)).map((b) => ({ ...service, board: b.name }));
  return [service];
}

// The policy SDK hands props behind a Proxy that throws on values unknown during preview and
// trips over Array methods on current Node versions. Copy what is known into plain data;
// an unknown value (an id not created yet) becomes undefined, which no rule depends on.
function known(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  const read = (k: string | number) => { try { return known((v as Record<string | number, unknown>)[k]); } catch { return undefined; } };
  if (Array.isArray(v)) { const out: unknown[] = []; for (let i = 0; i < v.length; i++) out.push(read(i)); return out; }
  return Object.fromEntries(Object.keys(v).map((k) => [k, read(k)]));
}
/** Known props as plain data, with the properties that travel as JSON strings (flatProps.ts) decoded. */
export const plainProps = (r: PolicyResource): PolicyResource => ({
  ...r, props: unflatten(known(r.props) as Record<string, unknown>) as PolicyResource["props"],
  ...(r.provider ? { provider: { ...r.provider, props: known(r.provider.props) as PolicyResource["props"] } } : {}),
});

/** The host keys the resource's provider pins (config deskcluster:hostKeys, a JSON map); a target may carry its own. */
function providerHostKeys(r: PolicyResource): Record<string, string> {
  const raw = r.provider?.props?.hostKeys as unknown;
  if (raw && typeof raw === "object") return raw as Record<string, string>;
  try {
    return typeof raw === "string" ? (JSON.parse(raw) as Record<string, string>) : {};
  } catch {
    return {};
  }
}
type Target = { board: string; host: string; hostKey?: string };
const sshHost = (r: PolicyResource, c: Target) => ({ resource: r.name, host: c.host, hostKey: c.hostKey ?? providerHostKeys(r)[c.board] });

export function planView(input: readonly PolicyResource[]): PlanView {
  const resources = input.map(plainProps);
  const inventory = resources.find((r) => r.type === deskClusterType)?.props.inventory as Inventory | undefined;
  return {
    inventory,
    services: [...resources.filter(isService), ...resources.filter(isRoll).flatMap(rolledServices)].flatMap((r) => toServices(r, inventory)),
    sshHosts: [
      ...resources.filter(isCommand).map((r) => sshHost(r, r.props.connection as Target)),
      ...resources.filter(isRoll).flatMap((r) => Object.values((r.props.connections ?? {}) as Record<string, Target>).map((c) => sshHost(r, c))),
    ],
  };
}

function stackPolicy(name: string, description: string, check: (view: PlanView) => Violation[]): StackValidationPolicy {
  return {
    name, description, enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, report) => {
      for (const v of check(planView(args.resources))) report(formatViolation(v));
    },
  };
}

const boardAt = (view: PlanView, address: string): string | undefined =>
  view.inventory?.boards.find((b) => b.interfaces.some((i) => i.address === address))?.name;

const withInventory = (f: (inv: Inventory) => Violation[]) => (view: PlanView) => (view.inventory ? f(view.inventory) : []);

export const policies: StackValidationPolicy[] = [
  stackPolicy("wired-ethernet", "Cluster traffic (swarm, Cassandra, Kafka, Stargate, SSH) uses wired Ethernet addresses only.",
    (view) => (view.inventory ? [...checkWiredEthernet(view.inventory), ...checkPlannedAddresses(view.inventory, view.services, view.sshHosts)] : [])),
  stackPolicy("memory-budget", "Each board's container limits plus its OS reserve fit its RAM; every JVM heap fits its limit with headroom.",
    (view) => (view.inventory ? [...checkMemoryBudget(view.inventory), ...checkPlannedMemory(view.inventory, view.services)] : [])),
  stackPolicy("quorum-and-placement", "Odd KRaft controllers and swarm managers spread over racks; replication within racks; racks of comparable size.",
    withInventory((inv) => [...checkQuorum(inv), ...checkPlacement(inv)])),
  stackPolicy("architecture-and-versions", "Images are published for each board's architecture; Stargate supports the Cassandra version.",
    withInventory((inv) => [...checkArchitecture(inv), ...checkVersions(inv)])),
  stackPolicy("identity", "Board names, addresses and Kafka node ids are unique; every Kafka node has a ledger id.",
    withInventory(checkUniqueness)),
  stackPolicy("secrets-and-host-keys", "SSH host keys are pinned; no password or token is passed as a plain environment variable.",
    (view) => [
      ...view.sshHosts.filter((h) => !h.hostKey).map((h) => ({
        rule: "secrets", board: boardAt(view, h.host), field: `${h.resource} connection.hostKey`,
        message: `SSH to ${h.host} without a pinned host key (config deskcluster:hostKeys)`,
      })),
      ...view.services.flatMap((s) => Object.keys(s.env).filter((k) => /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY)$/i.test(k))
        .map((k) => ({
          rule: "secrets", board: s.board, field: `service ${s.name} env ${k}`,
          message: `${k} would be readable by anyone who can inspect the service; use a docker secret`,
        }))),
    ]),
];

// Swarm objects (services, configs, secrets, overlay networks) created through the Docker
// Engine API of a manager. Services update in place, and their read returns the live spec in
// the shape of the desired one (so a hand edit is drift, named by field) and whether the tasks
// run; configs, secrets and networks are immutable, so a change replaces them, and a read
// notices one removed behind Pulumi's back.
import * as pulumi from "@pulumi/pulumi";
import { isNotFound, withDocker } from "./dockerOverSsh";
import { createHash } from "node:crypto";
import { canonicalJson } from "../model/canonicalJson";
import { appliedRecord, applyService, digestEnv, observeService, RecordedService, recordedDrift, recordService } from "./serviceState";
import type { ServedProvider } from "./pluginProvider";
import { ResourceKind, resourceTypes, withLegacyAlias } from "./resourceTypes";
import { addressOf, BoardAddress, pinDigest, SshTarget, sshTargetFailures } from "./sshTarget";
import { flatInput } from "./flatProps";
import { targetInput } from "./targetInput";
import { changedFields, FieldDigests, fieldDigests } from "./fieldDigests";

export type SwarmObjectKind = "service" | "config" | "secret" | "network";
const kindOf = (kind: SwarmObjectKind) => `swarm${kind[0].toUpperCase()}${kind.slice(1)}` as ResourceKind;
/** The engine type of a swarm object (what the policy pack looks for). */
export const swarmObjectType = (kind: SwarmObjectKind): string => resourceTypes[kindOf(kind)];

export interface SwarmObjectInputs {
  manager: SshTarget;
  kind: SwarmObjectKind;
  /** The Docker Engine API body: ServiceSpec, ConfigSpec, SecretSpec or NetworkCreateRequest. */
  spec: Record<string, unknown> & { Name: string };
  /** Secret env vars (for example CLUSTER_ID), merged into the spec only on the way to the engine. */
  secretEnv?: Record<string, string>;
}

// Preview hands providers this sentinel for values not known yet.
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * What the state keeps besides the inputs the engine keeps: a service's name, its applied spec's field digests (the
 * diff names changed fields) and what the swarm answered; an immutable object's name and its spec's digest. The
 * specs themselves are inputs, which read gets (readWithInputs.ts). Older state (before read got its inputs) kept
 * the spec, and a service's secret env, in the outputs too.
 */
type SwarmObjectState = Omit<SwarmObjectInputs, "spec" | "secretEnv" | "manager"> & {
  /** The manager's address (a delete pins its key from config again) and the digest of the key it was pinned with. */
  manager: BoardAddress; managerPin?: string;
  name?: string; fields?: FieldDigests; specDigest?: string; observed?: RecordedService; spec?: SwarmObjectInputs["spec"]; secretEnv?: Record<string, string>;
};
type Docker = Parameters<Parameters<typeof withDocker>[1]>[0];

const handle = (d: Docker, kind: SwarmObjectKind, id: string) =>
  kind === "service" ? d.getService(id) : kind === "config" ? d.getConfig(id) : kind === "secret" ? d.getSecret(id) : d.getNetwork(id);

async function createObject(i: SwarmObjectInputs): Promise<string> {
  return withDocker(i.manager, async (d) => {
    if (i.kind === "service") return applyService(d, i.spec, i.secretEnv);
    if (i.kind === "config") return ((await d.createConfig(i.spec as never)) as unknown as { id: string }).id;
    if (i.kind === "secret") return ((await d.createSecret(i.spec as never)) as unknown as { id: string }).id;
    return (await d.createNetwork(i.spec as never)).id;
  });
}

const specDigest = (spec: unknown) => createHash("sha256").update(canonicalJson(spec)).digest("hex");

/** The state of an object as applied (or, on an upgrade, as an older version recorded it). */
export function objectState(i: SwarmObjectInputs, observed?: RecordedService): SwarmObjectState {
  const { spec, secretEnv, manager, ...kept } = i;
  const rest = { ...kept, manager: addressOf(manager), managerPin: pinDigest(manager) };
  if (i.kind === "service") return { ...rest, name: spec.Name, fields: fieldDigests(spec), observed: observed ?? appliedRecord(secretEnv) };
  return { ...rest, name: spec.Name, specDigest: specDigest(spec) };
}
/** What a recorded service departs from; only older state, which kept the live spec, needs the applied one. */
const noSpec = { Name: "" };
/** A service's last applied spec, as field digests (older state kept the spec itself). */
const appliedFields = (olds: SwarmObjectState): FieldDigests => olds.fields ?? fieldDigests(olds.spec);

export const swarmObjectProvider: ServedProvider = {
  async check(_olds: SwarmObjectInputs, news: SwarmObjectInputs) {
    const failures = sshTargetFailures(news.manager, "manager");
    if (news.spec !== (unknown as never) && !news.spec?.Name) failures.push({ property: "spec", reason: `${news.kind}: field spec.Name: missing` });
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: SwarmObjectState, news: SwarmObjectInputs) {
    // Older state kept the manager with its key.
    const rekeyed = (olds.managerPin ?? pinDigest(olds.manager)) !== pinDigest(news.manager);
    if (news.kind !== "service") {
      const changed = (olds.specDigest ?? specDigest(olds.spec)) !== specDigest(news.spec);
      return {
        changes: changed || rekeyed, replaces: changed ? ["spec"] : [],
        deleteBeforeReplace: news.kind === "network" || news.kind === "secret",
      };
    }
    const live = olds.observed ?? appliedRecord(olds.secretEnv);
    const appliedName = olds.name ?? olds.spec?.Name;
    const name = news.spec?.Name ?? appliedName;
    // Intended changes (program) and drift (live differs from what was last applied), each by field.
    const intended = news.spec === (unknown as never) ? [] : changedFields(appliedFields(olds), fieldDigests(news.spec));
    const liveDrift = recordedDrift(live, olds.spec ?? noSpec);
    const drift = liveDrift ?? ["(service missing)"];
    const secretMoved = live.secretDigest !== (news.secretEnv ? digestEnv(news.secretEnv) : undefined) && news.secretEnv !== (unknown as never);
    for (const f of drift) console.error(`drift: service ${name}: field ${f} differs from what deskcluster applied`);
    if (secretMoved) console.error(`drift: service ${name}: field secretEnv differs (values not shown)`);
    if (liveDrift && !live.running) console.error(`drift: service ${name}: field tasks: not running`);
    const changes = intended.length > 0 || news.spec === (unknown as never) || drift.length > 0 || secretMoved || !live.running || rekeyed;
    return { changes, replaces: appliedName !== news.spec?.Name && news.spec !== (unknown as never) ? ["spec.Name"] : [], deleteBeforeReplace: false };
  },
  async create(inputs: SwarmObjectInputs) {
    const id = await createObject(inputs);
    return { id, outs: objectState(inputs) };
  },
  async update(_id: string, olds: SwarmObjectState, news: SwarmObjectInputs) {
    // Configs, secrets and networks are immutable: an update only records new keys or provider code.
    if (news.kind !== "service") return { outs: objectState(news) };
    // Services converge in place; a task that does not run gets a forced restart.
    const restart = olds.observed?.running === false && recordedDrift(olds.observed, olds.spec ?? noSpec) !== undefined;
    await withDocker(news.manager, (d) => applyService(d, news.spec, news.secretEnv, restart));
    return { outs: objectState(news) };
  },
  restate(olds: SwarmObjectState, news: SwarmObjectInputs) {
    return objectState(news, olds.observed && olds.spec ? recordService(olds.observed, olds.spec) : undefined);
  },
  async delete(id: string, props: SwarmObjectInputs) {
    await withDocker(props.manager, async (d) => {
      try {
        await handle(d, props.kind, id).remove();
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    });
  },
  async read(id: string, props: SwarmObjectState, inputs?: Partial<SwarmObjectInputs>) {
    // The plugin pinned the kept address's key from config before the read (withHostKeys).
    return withDocker(props.manager as SshTarget, async (d) => {
      if (props.kind === "service") {
        // What was applied is the last inputs; older state has it in its outputs too.
        const applied = inputs?.spec ?? props.spec;
        if (!applied) throw new Error(`service ${props.name ?? id}: read without its applied spec (no inputs from the engine)`);
        const observed = recordService(await observeService(d, applied, Object.keys(inputs?.secretEnv ?? props.secretEnv ?? {})), applied);
        return { id, props: objectState({ ...props, spec: applied } as SwarmObjectInputs, observed) };
      }
      try {
        await handle(d, props.kind, id).inspect();
        return { id, props };
      } catch (err) {
        if (isNotFound(err)) return { id: "", props: {} };
        throw err;
      }
    });
  },
};

export interface SwarmObjectArgs {
  manager: pulumi.Input<BoardAddress>;
  kind: SwarmObjectKind;
  spec: pulumi.Input<Record<string, unknown> & { Name: string }>;
  secretEnv?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Config data with secrets stays encrypted in state. */
  secretSpec?: boolean;
}

export class SwarmObject extends pulumi.CustomResource {
  declare public readonly kind: pulumi.Output<SwarmObjectKind>;
  /** The applied spec's field digests (services), as the state keeps them. */
  declare public readonly fields: pulumi.Output<FieldDigests>;
  /** The spec this program asks for (not an output): what a step that follows this service can trigger on, known at preview. */
  public readonly desiredSpec: pulumi.Input<Record<string, unknown>>;
  constructor(name: string, args: SwarmObjectArgs, opts?: pulumi.CustomResourceOptions) {
    const secretSpec = args.secretSpec || args.kind === "secret";
    const secrets = ["secretEnv", ...(secretSpec ? ["spec", "specDigest", "fields"] : [])];
    const secretEnv = args.secretEnv === undefined ? undefined : pulumi.secret(args.secretEnv);
    const spec = secretSpec ? pulumi.secret(args.spec) : args.spec;
    super(swarmObjectType(args.kind), name, {
      manager: targetInput(args.manager), kind: args.kind, spec: flatInput(spec), secretEnv, observed: undefined, fields: undefined,
    }, withLegacyAlias(kindOf(args.kind), opts, secrets));
    this.desiredSpec = spec;
  }
}

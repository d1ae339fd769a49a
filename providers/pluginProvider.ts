// The provider the engine runs as deskcluster's own plugin (pulumi-resource-deskcluster): one
// process per run serves every deskcluster resource, so state holds only what a resource
// manages, and the SSH pool (one connection per board) is shared by every resource of the run.
// Each type is served by the provider object of its own file; this file only routes by type,
// turns wire values into plain ones and back, and upgrades state written by 0.1.x.
import type * as pulumi from "@pulumi/pulumi";
import type { Provider } from "@pulumi/pulumi/provider";
import { legacyProviderKey, ResourceType, resourceTypes, typeOfUrn } from "./resourceTypes";
import type { ReadWithInputs } from "./readWithInputs";
import { flatten, unflatten } from "./flatProps";
import { holdsKeys, withHostKeys } from "./sshTarget";
import { unwrapProps as unwrapWire, wrapProps as wrapWire } from "./wireValues";

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A type's provider; `restate` gives the state this version writes for one that an older version wrote, without any
 * effect. Its read gets the resource's last inputs too (readWithInputs.ts): what was applied, which outputs need not copy.
 */
export interface ServedProvider extends Omit<pulumi.dynamic.ResourceProvider, "read"> {
  restate?(olds: any, news: any): Record<string, unknown>;
  read?(id: string, props: any, inputs?: any): Promise<pulumi.dynamic.ReadResult>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
/** The plugin's provider: the SDK's interface, with a read that takes the resource's inputs. */
export type PluginProvider = Provider & { read: ReadWithInputs };
export type Served = Record<ResourceType, ServedProvider>;

const union = (a: ReadonlySet<string>, b: ReadonlySet<string>) => new Set([...a, ...b]);
/** Plain values as the providers take them: secrets unwrapped, flat properties (flatProps.ts) decoded. */
const unwrapProps = (props: unknown) => {
  const u = unwrapWire(props);
  return { plain: unflatten(u.plain), secretKeys: u.secretKeys };
};
/** Outputs in wire form; a kept target (with its pinned host key) is always secret. */
const wrapProps = (outs: Record<string, unknown>, secretKeys: ReadonlySet<string>) =>
  wrapWire(flatten(outs), union(secretKeys, new Set(Object.keys(outs).filter((k) => holdsKeys(k, outs[k])))));

const lean = (props: Record<string, unknown>): Record<string, unknown> => {
  const { [legacyProviderKey]: _code, ...rest } = props;
  return rest;
};
/** State a 0.1.x dynamic resource wrote still carries its provider's code. */
const legacy = (props: Record<string, unknown>): boolean => legacyProviderKey in props;

export function pluginProvider(served: Served, version: string): PluginProvider {
  const of = (urn: string) => {
    const type = typeOfUrn(urn);
    const p = served[type as ResourceType];
    if (!p) throw new Error(`deskcluster provider: unknown resource type ${type} (serves ${Object.values(resourceTypes).join(", ")})`);
    return p;
  };
  const diffOf = async (p: ServedProvider, id: string, olds: Record<string, unknown>, news: Record<string, unknown>) =>
    p.diff ? p.diff(id, lean(olds), news) : { changes: JSON.stringify(lean(olds)) !== JSON.stringify(news) };
  return {
    version,
    async check(urn, olds, news) {
      const p = of(urn);
      const o = unwrapProps(olds);
      const n = unwrapProps(news);
      if (!p.check) return { inputs: news };
      // Checked with the pinned host keys.
      let resolved: Record<string, unknown>;
      try {
        resolved = withHostKeys(n.plain);
      } catch (err) {
        return { inputs: news, failures: [{ property: "connection", reason: (err as Error).message }] };
      }
      // The engine keeps the inputs as the program sent them: a check only refuses, so a pinned key never lands in them.
      const r = await p.check(lean(o.plain), resolved);
      return { inputs: news, failures: r.failures };
    },
    async diff(id, urn, olds, news) {
      const o = unwrapProps(olds);
      const r = await diffOf(of(urn), id, o.plain, withHostKeys(unwrapProps(news).plain));
      // Upgrading a 0.1.x resource is an update that only rewrites its state (see update).
      return { ...r, changes: r.changes || legacy(o.plain) };
    },
    async create(urn, inputs) {
      const i = unwrapProps(inputs);
      const r = await of(urn).create(withHostKeys(i.plain));
      return { id: r.id, outs: wrapProps(r.outs ?? {}, i.secretKeys) };
    },
    async read(id: string, urn: string, props: Record<string, unknown>, inputs: Record<string, unknown> = {}) {
      const p = of(urn);
      const s = unwrapProps(props);
      if (!p.read) return { id, props: wrapProps(lean(s.plain), s.secretKeys) };
      const r = await p.read(id, withHostKeys(lean(s.plain)), withHostKeys(lean(unwrapProps(inputs).plain)));
      return { id: r.id ?? id, props: wrapProps(r.props ?? {}, s.secretKeys) };
    },
    async update(id, urn, olds, news) {
      const p = of(urn);
      const o = unwrapProps(olds);
      const n = { ...unwrapProps(news) };
      n.plain = withHostKeys(n.plain);
      const secretKeys = union(o.secretKeys, n.secretKeys);
      // Only the state's format changed: keep what the board has, touch nothing.
      if (legacy(o.plain) && !(await diffOf(p, id, o.plain, n.plain)).changes) {
        return { outs: wrapProps(p.restate ? p.restate(lean(o.plain), n.plain) : { ...lean(o.plain), ...n.plain }, secretKeys) };
      }
      if (!p.update) throw new Error(`deskcluster provider: ${typeOfUrn(urn)} cannot be updated in place`);
      const r = await p.update(id, lean(o.plain), n.plain);
      return { outs: wrapProps(r.outs ?? {}, secretKeys) };
    },
    async delete(id, urn, props) {
      const p = of(urn);
      if (p.delete) await p.delete(id, withHostKeys(lean(unwrapProps(props).plain)));
    },
  };
}

// Properties that travel to the engine and sit in state as one canonical JSON string rather than
// as nested objects: a step's recipe, a swarm object's spec, a roll's specs, nodes and membership,
// the inventory a policy reads, and the field digests and observed facts providers keep. The
// state file is indented four spaces a level, so a nested spec costs about twice its JSON; as
// a string it costs its JSON once. Pulumi's diff display still shows a JSON
// string's change field by field. Everything past the wire (providers, policies) sees objects:
// decoding takes a string or, from state written before, the object itself.
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../model/canonicalJson";

export const flatKeys: readonly string[] = ["recipe", "spec", "specs", "nodes", "membership", "inventory", "fields", "observed"];

/** The program's value as the string it travels as (an unknown stays unknown, a secret stays secret). */
export function flatInput<T>(v: pulumi.Input<T>): pulumi.Output<string>;
export function flatInput<T>(v: pulumi.Input<T> | undefined): pulumi.Output<string> | undefined;
export function flatInput<T>(v: pulumi.Input<T> | undefined): pulumi.Output<string> | undefined {
  return v === undefined ? undefined : pulumi.output(v).apply((x) => canonicalJson(x));
}

const parse = (v: unknown): unknown => {
  if (typeof v !== "string" || !/^[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/** A property bag with its flat properties decoded; others as they are. */
export function unflatten<T extends Record<string, unknown>>(props: T): T {
  const out: Record<string, unknown> = { ...props };
  for (const k of flatKeys) if (k in out) out[k] = parse(out[k]);
  return out as T;
}

/** A property bag with its flat properties encoded, as the provider writes its outputs. */
export function flatten(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...props };
  for (const k of flatKeys) if (out[k] !== undefined && typeof out[k] === "object" && out[k] !== null) out[k] = canonicalJson(out[k]);
  return out;
}

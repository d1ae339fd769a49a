// The engine hands a plugin that accepts secrets its values in wire form: a secret is an object
// tagged with the SDK's secret signature, an output value one tagged with the output signature.
// The providers work on plain values; the plugin unwraps on the way in and, as the engine does
// for plugins that do not accept secrets, marks an output secret when the input of the same
// name held a secret, so nothing secret is ever written back in plaintext.
import { specialOutputValueSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

type Wire = Record<string, unknown>;
const tagged = (v: unknown, sig: string): v is Wire => typeof v === "object" && v !== null && (v as Wire)[specialSigKey] === sig;

/** The plain value, and whether a secret was anywhere inside it. */
export function unwrap(v: unknown): { value: unknown; secret: boolean } {
  if (tagged(v, specialSecretSig)) return { value: unwrap(v.value).value, secret: true };
  if (tagged(v, specialOutputValueSig)) {
    const inner = "value" in v ? unwrap(v.value) : { value: unknownValue, secret: false };
    return { value: inner.value, secret: inner.secret || v.secret === true };
  }
  if (Array.isArray(v)) {
    const items = v.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof v === "object" && v !== null) {
    let secret = false;
    const value = Object.fromEntries(Object.entries(v).map(([k, x]) => {
      const u = unwrap(x);
      secret ||= u.secret;
      return [k, u.value];
    }));
    return { value, secret };
  }
  return { value: v, secret: false };
}

/** A property bag's plain values, and the names of its properties that held a secret. */
export function unwrapProps(props: unknown): { plain: Record<string, unknown>; secretKeys: Set<string> } {
  const plain: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries((props ?? {}) as Wire)) {
    const u = unwrap(v);
    plain[k] = u.value;
    if (u.secret) secretKeys.add(k);
  }
  return { plain, secretKeys };
}

export const secretValue = (value: unknown): Wire => ({ [specialSigKey]: specialSecretSig, value });

/** Outputs in wire form: each property named in secretKeys wrapped as one secret. */
export function wrapProps(outs: Record<string, unknown>, secretKeys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outs).filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, secretKeys.has(k) ? secretValue(v) : v]));
}

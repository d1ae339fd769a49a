// What a reviewer needs to see change in a preview: every resource by op, type and name, with a
// short digest of its inputs, so a changed env var, script, limit or secrecy shows up as a
// changed line of tests/snapshots/<stack>.preview.json.
import { createHash } from "node:crypto";

export interface GraphSnapshot { counts: Record<string, number>; resources: string[] }

// `pulumi preview --json` already shows secret inputs as "[secret]", a fixed marker, so a
// value that stops being secret changes the digest. Key material that reached an input in
// plain text gets its own marker: the digest stays stable across throwaway lab keys (and the
// preview test fails on it anyway) without hashing keys into a committed file.
const keyMaterial = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----|(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/g;

/** Sorted keys, masked key material, no serialized provider code (it changes with every edit of providers/). */
// A secret computed from another resource's output (a join token) shows in a preview as
// "[secret]" or as the engine's unknown sentinel, depending on timing: one marker for both.
const unknownOrSecret = /^(\[secret\]|04da6b54-80e4-46f7-96ec-b56ff0331ba9)$/;

function canonical(v: unknown): unknown {
  if (typeof v === "string" && unknownOrSecret.test(v)) return "[secret or unknown]";
  if (typeof v === "string") return v.replace(keyMaterial, "[key material in plain text]");
  if (Array.isArray(v)) return v.map(canonical);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(Object.keys(v).filter((k) => k !== "__provider").sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
}

/** 12 hex digits of sha256 over the canonical inputs; "-" for a step without inputs (components). */
export function inputsDigest(inputs: unknown): string {
  if (inputs === undefined) return "-";
  return createHash("sha256").update(JSON.stringify(canonical(inputs))).digest("hex").slice(0, 12);
}

export function graphSnapshot(json: { steps: any[] }): GraphSnapshot {
  const steps = json.steps.map((s) => ({
    op: s.op as string, type: s.urn.split("::")[2] as string, name: s.urn.split("::")[3] as string,
    digest: inputsDigest(s.newState?.inputs ?? s.oldState?.inputs),
  }));
  const counts: Record<string, number> = {};
  for (const s of steps) counts[s.type] = (counts[s.type] ?? 0) + 1;
  return {
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    resources: steps.map((s) => `${s.op} ${s.type} ${s.name} ${s.digest}`).sort(),
  };
}

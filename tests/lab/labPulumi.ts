// Running pulumi on the live lab stack from a lab test, as a child process (a load keeps running meanwhile), and
// reading what it did: the roll's progress lines and the service containers each board runs.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { LabContext, labDir } from "../../lab/checks/labContext";

const root = join(__dirname, "..", "..");
const dir = labDir();

/** Runs pulumi on the lab stack as a child process (the load keeps running meanwhile), echoing its output. */
export function pulumi(args: string, compile = false): Promise<{ code: number; out: string; seconds: number }> {
  const cmd = [". scripts/toolchain/env.sh", "STACK=lab . scripts/stackEnv.sh", ...(compile ? ["npx --no-install tsc -p tsconfig.json"] : []),
    `pulumi ${args} --stack lab --config-file ${dir}/Pulumi.lab.yaml --non-interactive`].join(" && ");
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", cmd], { cwd: root, env: process.env });
    let out = "";
    const take = (d: Buffer) => { out += d.toString(); };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (code) => {
      const shown = out.split("\n").filter((l) => /roll |drift|error|Resources:|[~+-] +\d+ |updated|replaced|deleted|Duration/.test(l));
      console.log(shown.slice(-60).map((l) => `        ${l.trim()}`).join("\n"));
      resolve({ code: code ?? 1, out, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}
/** The lines of pulumi's output that name a change or drift, for an assertion's message (CI shows only the tail of a run). */
export const changesIn = (out: string) => out.split("\n")
  .filter((l) => /drift|error|[~+-] +\d+ |\b(updat|creat|replac|delet)(e|ed|ing)\b/.test(l) && !/^@ |trace-deprecation/.test(l))
  .slice(-25).map((l) => l.trim()).join("\n");
export const up = (extra = "") => pulumi(`up --yes --skip-preview --suppress-outputs --policy-pack policies ${extra}`);

/** The roll's progress lines, in order, without the engine's prefixes. */
export const rollLines = (out: string, system: string) =>
  [...out.matchAll(new RegExp(`running (roll ${system}: .*)$`, "gm"))].map((m) => m[1].trim());

/** A roll's apply and done lines as "apply"/"done": one node at a time reads apply, done, apply, done, ... */
export const rollEvents = (out: string, system: string) =>
  rollLines(out, system).filter((l) => / applying | done in /.test(l)).map((l) => (l.includes(" applying ") ? "apply" : "done"));

export async function containers(ctx: LabContext): Promise<Record<string, string>> {
  const all: Record<string, string> = {};
  for (const b of ctx.inventory.boards) {
    for (const line of (await ctx.sh(b.name, "sudo docker ps --format '{{.Names}} {{.ID}}'")).trim().split("\n").filter(Boolean)) {
      const [name, id] = line.split(" ");
      all[`${b.name}/${name.replace(/\.[a-z0-9]+$/, "")}`] = id;
    }
  }
  return all;
}


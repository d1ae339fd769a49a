// `npm run bench [-- --no-lab] [--no-preview] [--sizes 10,50] [--keep-lab]`: previews of
// generated desks and the lab's converge, printed as tables and written with the machine's
// facts to bench/results/<timestamp>.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { labBench, LabFigures } from "./labBench";
import { machine } from "./machine";
import { PreviewFigures, previewDesk, previewSetup } from "./previewBench";
import { labTable, machineLine, previewTable } from "./report";
import { toolchainEnv } from "./toolchainEnv";

const root = join(__dirname, "..");

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      "no-lab": { type: "boolean", default: false },
      "no-preview": { type: "boolean", default: false },
      "keep-lab": { type: "boolean", default: false },
      sizes: { type: "string", default: "10,50,100,200" },
    },
  });
  const sizes = values.sizes.split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes: board counts, comma-separated (got ${values.sizes})`);
  const startedAt = new Date();
  const env = toolchainEnv(root);
  const facts = machine(root, env);
  console.log(machineLine(facts));
  // Generated files, state and logs live in the cache, never in the repository.
  const work = join(env.DESKCLUSTER_CACHE ?? join(process.env.HOME ?? "/root", ".cache/deskcluster"), "bench");
  // The policy pack of the previews and the program both run compiled.
  execFileSync("npx", ["--no-install", "tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });

  const previews: PreviewFigures[] = [];
  if (!values["no-preview"]) {
    const setup = previewSetup(root, work, env);
    // One at a time: each is measured alone, and a 200-board preview needs about 1.4 GB.
    for (const n of sizes) {
      console.error(`bench: preview of ${n} boards`);
      previews.push(await previewDesk(setup, n));
    }
    console.log(`\n${previewTable(previews)}`);
  }
  let lab: LabFigures | undefined;
  let labError: string | undefined;
  if (!values["no-lab"]) {
    try {
      lab = await labBench(root, join(work, "lab"), env, values["keep-lab"]);
      console.log(`\n${labTable(lab)}`);
    } catch (e) {
      labError = (e as Error).message;
      console.log(`\nlab: FAILED: ${labError}`);
    }
  }
  const dir = join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const result = { startedAt: startedAt.toISOString(), seconds, machine: facts, options: values, previews, lab, labError };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
  return previews.every((p) => p.ok) && !labError ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(`bench: ${(e as Error).message}`); process.exit(2); });

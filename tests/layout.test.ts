// The program a desk runs (index.ts, cli/, model/, components/, providers/, health/, policies/)
// never imports the lab harness or the tests: a desk has neither, and its commands must run.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { root } from "./helpers";

const program = ["index.ts", "cli", "model", "components", "providers", "health", "policies"];
const sources = (path: string): string[] => statSync(path).isDirectory()
  ? readdirSync(path).filter((f) => f !== "node_modules").flatMap((f) => sources(join(path, f)))
  : path.endsWith(".ts") ? [path] : [];

describe("layout", () => {
  it("keeps the lab harness and the tests out of the program's imports", () => {
    const bad: string[] = [];
    for (const file of program.flatMap((p) => sources(join(root, p)))) {
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:from|import|require\()\s*["'](\.[^"']*)["']/g)) {
        const target = relative(root, resolve(dirname(file), spec));
        if (/^(lab|tests)(\/|$)/.test(target)) bad.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});

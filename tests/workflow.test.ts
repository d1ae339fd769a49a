// The PR preview workflow cannot run here; actionlint (pinned, built from its Go module) checks
// its syntax, expressions and shell steps, and refuses a broken copy.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./helpers";

const actionlint = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.7";
const lint = (files: string[]) => spawnSync("go", ["run", actionlint, ...files], {
  cwd: root, encoding: "utf8", env: { ...process.env, PATH: `${process.env.PATH}:/usr/local/go/bin`, GOFLAGS: "-mod=mod" },
});

describe("GitHub workflows (actionlint)", function () {
  this.timeout(300_000);
  const dir = join(root, ".github", "workflows");
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));

  it("passes every workflow", () => {
    assert.ok(files.length > 0);
    const r = lint(files);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it("refuses a workflow with an unknown step key", () => {
    const bad = join(mkdtempSync(join(tmpdir(), "workflow-")), "bad.yml");
    writeFileSync(bad, readFileSync(files[0], "utf8").replace(/^(\s+)- name: /m, "$1- nmae: "));
    const r = lint([bad]);
    assert.notEqual(r.status, 0, "actionlint accepted a misspelt key");
  });
});

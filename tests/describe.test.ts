// `npm run describe` is what an operator reads before a change: the gateway must appear in the
// budget of every board that runs it, priced by its own limit, and no board may be over.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { root } from "./helpers";

describe("npm run describe -- stacks/dev.yaml", function () {
  this.timeout(60_000);
  let out = "";
  before(() => {
    const r = spawnSync("npx", ["--no-install", "ts-node", "--transpile-only", "cli/describe.ts", "stacks/dev.yaml"], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    out = r.stdout;
  });
  const budget = () => out.slice(out.indexOf("memory budget"), out.indexOf("\nracks"));
  const row = (board: string) => budget().split("\n").find((l) => l.startsWith(`${board} `)) ?? "";

  it("shows the gateway in the budget of every board with the graphql-gateway role", () => {
    const inv = parse(readFileSync(join(root, "stacks", "dev.yaml"), "utf8")) as { boards: { name: string; roles: string[] }[] };
    const gateways = inv.boards.filter((b) => b.roles.includes("graphql-gateway")).map((b) => b.name);
    assert.ok(gateways.length > 0, "the dev stack places a gateway");
    for (const b of inv.boards) {
      assert.equal(/graphql-gateway \d+/.test(row(b.name)), gateways.includes(b.name), `${b.name}: ${row(b.name)}`);
    }
  });

  it("puts no board over its budget, and its sums add up", () => {
    const rows = budget().split("\n").slice(2).filter((l) => /\s(ok|OVER)\s*$/i.test(l));
    assert.ok(rows.length >= 8, budget());
    for (const r of rows) {
      const [, services, used, available, free, status] = r.trim().split(/\s{2,}/);
      assert.equal(status, "ok", r);
      assert.equal(Number(available) - Number(used), Number(free), r);
      const limits = services.split(", ").map((s) => Number(/ (\d+)(\/\d+)?$/.exec(s)![1]));
      assert.equal(limits.reduce((a, b) => a + b, 0), Number(used), `limits of ${r}`);
    }
  });
});

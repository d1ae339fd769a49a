// Every bad inventory under tests/fixtures is refused with its own message naming board and field.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateInventoryFile } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { root } from "./helpers";

const dir = join(root, "tests", "fixtures");
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

describe("bad inventories (tests/fixtures)", () => {
  it("has at least 15 distinct fixtures", () => assert.ok(fixtures.length >= 15, `${fixtures.length}`));

  for (const file of fixtures) {
    it(`refuses ${file}`, () => {
      const expect = readFileSync(join(dir, file), "utf8").match(/^# expect: (.+)$/m)?.[1];
      assert.ok(expect, `${file} lacks an '# expect:' line`);
      const { violations } = validateInventoryFile(join(dir, file));
      const messages = violations.map(formatViolation);
      assert.ok(messages.some((m) => m.includes(expect)), `expected "${expect}" among:\n${messages.join("\n")}`);
      assert.ok(violations.every((v) => v.board && v.field), `every violation names board and field:\n${messages.join("\n")}`);
    });
  }

  for (const stack of ["dev", "lab"]) {
    it(`accepts stacks/${stack}.yaml`, () => assert.deepEqual(validateInventoryFile(join(root, "stacks", `${stack}.yaml`)).violations, []));
  }
});

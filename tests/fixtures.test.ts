// Every bad inventory of tests/badInventories.ts is refused with its own message naming board
// and field, through the same YAML path `npm run validate` takes; the stacks themselves pass.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateInventoryFile, validateInventoryText, validateRaw } from "../model/validateInventory";
import { formatViolation } from "../model/violation";
import { stringify } from "yaml";
import { badInventories, badInventoryRaw, badInventoryYaml, writeBadInventory } from "./badInventories";
import { rawStack, root } from "./helpers";

describe("bad inventories (tests/badInventories.ts)", () => {
  const names = Object.keys(badInventories).sort();
  it("has at least 15 distinct ones", () => assert.ok(names.length >= 15, `${names.length}`));

  for (const name of names) {
    it(`refuses ${name}`, () => {
      const { expect } = badInventories[name];
      const { violations } = validateInventoryText(badInventoryYaml(name));
      const messages = violations.map(formatViolation);
      assert.ok(messages.some((m) => m.includes(expect)), `expected "${expect}" among:\n${messages.join("\n")}`);
      assert.ok(violations.every((v) => v.board && v.field), `every violation names board and field:\n${messages.join("\n")}`);
    });
  }

  it("refuses an insecure registry that would end the daemon.json heredoc (a desk field: no board to name)", () => {
    const raw = { ...rawStack("lab"), insecureRegistries: ["172.30.77.2:5000\nDESKCLUSTER_EOF\ntouch /tmp/pwned"] };
    const messages = validateInventoryText(stringify(raw)).violations.map(formatViolation);
    assert.ok(messages.some((m) => m.includes("field insecureRegistries[0]: a registry as host or host:port")), messages.join("\n"));
  });

  it("npm run validate refuses a Wi-Fi interface declared wired and an oversized limit, with board and field", function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), "deskcluster-validate-"));
    const files = ["wifi-declared-wired", "service-limit-over-board-ram"].map((n) => writeBadInventory(n, dir));
    const r = spawnSync("npx", ["--no-install", "ts-node", "--transpile-only", "cli/validate.ts", ...files], { cwd: root, encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\[wired-ethernet\] board opi-m3, field interfaces\[0\]\.kind: wlan0 is named like a Wi-Fi interface/);
    assert.match(r.stdout, /\[memory-budget\] board pi-w1, field services\.cassandra\.memoryMb: cassandra limit 8192 MB/);
  });

  it("accepts a wired interface named like Wi-Fi when the inventory says so explicitly", () => {
    const raw = badInventoryRaw("wifi-declared-wired");
    raw.boards.find((b) => b.name === "opi-m3")!.interfaces[0].wiredDespiteName = true;
    assert.deepEqual(validateRaw(raw).violations.map(formatViolation), []);
  });

  for (const stack of ["dev", "lab"]) {
    it(`accepts stacks/${stack}.yaml`, () => assert.deepEqual(validateInventoryFile(join(root, "stacks", `${stack}.yaml`)).violations, []));
  }
});

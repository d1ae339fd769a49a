// The swarm scripts run by bash against a stand-in `docker` that answers like a manager and logs every call:
// a board leaving the inventory is drained, demoted if a manager and removed; the manager running the script
// never removes itself (on a destroy it is the last one, and leaves by itself).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeRemoveScript } from "../model/swarmScripts";

function runAgainstFakeManager(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-swarm-"));
  const log = join(dir, "calls");
  writeFileSync(join(dir, "sudo"), `#!/bin/bash\nexec "$@"\n`);
  writeFileSync(join(dir, "docker"), [
    "#!/bin/bash",
    `echo "$*" >> ${log}`,
    `case "$*" in`,
    `  "info --format {{.Swarm.NodeID}}") echo id1 ;;`,
    `  "node ls --format {{.ID}} {{.Hostname}}") printf 'id1 lab1\\nid2 lab2\\nid5 lab5\\n' ;;`,
    `  "node inspect id2 --format {{.Spec.Role}}") echo manager ;;`,
    `  "node inspect "*) echo worker ;;`,
    `esac`,
  ].join("\n"));
  for (const f of ["sudo", "docker"]) chmodSync(join(dir, f), 0o755);
  try {
    execFileSync("bash", ["-c", script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    return readFileSync(log, "utf8").trim().split("\n").filter((l) => !l.startsWith("info") && !l.startsWith("node ls") && !l.startsWith("node ps"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("swarm scripts: a board leaves the swarm", () => {
  it("drains a worker, then removes it from the node list", () => {
    assert.deepEqual(runAgainstFakeManager(nodeRemoveScript("lab5", 1)),
      ["node update --availability drain id5", "node inspect id5 --format {{.Spec.Role}}", "node rm --force id5"]);
  });
  it("demotes a manager after its drain and before its removal", () => {
    assert.deepEqual(runAgainstFakeManager(nodeRemoveScript("lab2", 1)),
      ["node update --availability drain id2", "node inspect id2 --format {{.Spec.Role}}", "node demote id2", "node rm --force id2"]);
  });
  it("never removes the manager it runs on", () => {
    assert.deepEqual(runAgainstFakeManager(nodeRemoveScript("lab1", 1)), []);
  });
});

// The swarm scripts run by bash against a stand-in `docker` that answers like a manager and logs every call:
// a board leaving the inventory is drained, demoted if a manager and removed; the manager running the script
// never removes itself (on a destroy it is the last one, and leaves by itself).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeRemoveScript, swarmJoinScript } from "../model/swarmScripts";

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

/** A joining board whose `docker swarm join` fails as given; `activeAfter`: the state turns active after that many reads of it. */
function joinAgainst(failures: number, activeAfter: number): { calls: string[]; code: number; err: string; argv: string; bodies: string } {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-join-"));
  const log = join(dir, "calls");
  writeFileSync(join(dir, "sudo"), `#!/bin/bash\nexec "$@"\n`);
  writeFileSync(join(dir, "sleep"), `#!/bin/bash\nexit 0\n`); // no idle wait in a unit test
  // The Engine API's join (curl on the socket): the request body is kept to check the token went there and nowhere else.
  writeFileSync(join(dir, "curl"), [
    "#!/bin/bash",
    `echo "curl $*" >> ${join(dir, "argv")}`,
    `cat >> ${join(dir, "bodies")}; echo "swarm join" >> ${log}`,
    `n=$(grep -c '^swarm join' ${log})`,
    `[ "$n" -le ${failures} ] && { echo '{"message":"Timeout was reached before node joined"}'; echo "curl: (22) 500" >&2; exit 22; }; exit 0`,
  ].join("\n"));
  writeFileSync(join(dir, "docker"), [
    "#!/bin/bash",
    `echo "$*" >> ${log}; echo "docker $*" >> ${join(dir, "argv")}`,
    `n=$(grep -c '^swarm join' ${log}); reads=$(grep -c 'LocalNodeState' ${log})`,
    `case "$*" in`,
    `  *LocalNodeState*) if [ "$n" = 0 ]; then echo inactive; elif [ "$n" -gt ${failures} ] || [ "$reads" -gt ${activeAfter} ]; then echo active;`
    + ` else echo pending; fi ;;`,
    `  *RemoteManagers*) echo 1 ;;`,
    `  *NodeID*) echo id9 ;;`,
    `esac`,
  ].join("\n"));
  for (const f of ["sudo", "docker", "sleep", "curl"]) chmodSync(join(dir, f), 0o755);
  try {
    const r = spawnSync("bash", ["-c", swarmJoinScript("10.0.0.9", "10.0.0.1")], {
      input: "SWMTKN-1-secret\n", encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
    });
    const calls = readFileSync(log, "utf8").trim().split("\n").filter((l) => /^swarm (join|leave)/.test(l)).map((l) => l.split(" --")[0]);
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
    return { calls, code: r.status ?? 1, err: r.stderr, argv: read("argv"), bodies: read("bodies") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("swarm scripts: a board joins", () => {
  it("joins once when the manager answers, the token in the Engine API's request body and in no command line", () => {
    const r = joinAgainst(0, 0);
    assert.deepEqual([r.code, r.calls], [0, ["swarm join"]]);
    assert.deepEqual(JSON.parse(r.bodies), {
      ListenAddr: "0.0.0.0:2377", AdvertiseAddr: "10.0.0.9", DataPathAddr: "10.0.0.9", RemoteAddrs: ["10.0.0.1:2377"], JoinToken: "SWMTKN-1-secret",
    });
    assert.match(r.argv, /curl .*--unix-socket \/var\/run\/docker.sock .*http:\/\/localhost\/swarm\/join/);
    assert.doesNotMatch(r.argv, /SWMTKN/);
  });
  it("waits for a join that timed out and goes on in the background, without joining twice", () => {
    const r = joinAgainst(1, 3);
    assert.deepEqual([r.code, r.calls], [0, ["swarm join"]]);
  });
  it("leaves and joins once more when the first join never became active", () => {
    const r = joinAgainst(1, 1000);
    assert.deepEqual([r.code, r.calls], [0, ["swarm join", "swarm leave", "swarm join"]]);
  });
  it("fails naming both errors when the second join fails too, and never prints the token", () => {
    const r = joinAgainst(2, 1000);
    assert.equal(r.code, 1);
    assert.match(r.err, /failed twice: [\s\S]*Timeout was reached[\s\S]* \/ [\s\S]*Timeout was reached/);
    assert.doesNotMatch(r.err, /SWMTKN/);
  });
});

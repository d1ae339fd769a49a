// The converge's critical path: each board pulls the images of its own services as soon as
// Docker runs (run here by bash against a stand-in docker), and the rolls' waits try a TCP
// connect before they start a JVM tool (run here against a real listening socket).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boardImages } from "../model/boardImages";
import { imagePullScript } from "../model/boardScripts";
import { checkScript, listening } from "../model/rollChecks";
import { imagesProbe } from "../model/stepProbes";
import { stack } from "./helpers";

/**
 * Runs a script with `docker` answering: images in `present` exist, a pull of `broken` fails. A pull returns only once
 * `together` pulls have started (within 10 s): pulls run one after another fail, whatever the machine's speed.
 */
function withFakeDocker(script: string, present: string[], broken = "none", together = 1, waitTenths = 100): { code: number; calls: string[]; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), "deskcluster-images-"));
  const log = join(dir, "calls");
  const started = join(dir, "started");
  writeFileSync(log, "");
  writeFileSync(started, "");
  writeFileSync(join(dir, "sudo"), `#!/bin/bash\nexec "$@"\n`);
  writeFileSync(join(dir, "docker"), [
    "#!/bin/bash",
    `echo "$*" >> ${log}`,
    `case "$1 $2" in`,
    `  "image inspect") case " ${present.join(" ")} " in *" $3 "*) exit 0 ;; *) exit 1 ;; esac ;;`,
    `  "pull -q") echo "$3" >> ${started}; [ "$3" = "${broken}" ] && { echo "pull $3: manifest unknown" >&2; exit 1; }`,
    `    for i in $(seq 1 ${waitTenths}); do [ "$(wc -l < ${started})" -ge ${together} ] && exit 0; sleep 0.1; done`,
    `    echo "pull $3: ran alone" >&2; exit 1 ;;`,
    `esac`,
  ].join("\n"));
  for (const f of ["sudo", "docker"]) chmodSync(join(dir, f), 0o755);
  try {
    const r = spawnSync("sh", ["-c", script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: "utf8" });
    return { code: r.status ?? 1, calls: readFileSync(log, "utf8").trim().split("\n").filter(Boolean).sort(), stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("shorter critical path", () => {
  it("knows which images each lab board runs, from its roles", () => {
    const inv = stack("lab");
    const byBoard = Object.fromEntries(inv.boards.map((b) => [b.name, boardImages(inv, b)]));
    for (const b of inv.boards.filter((x) => x.roles.includes("cassandra"))) assert.ok(byBoard[b.name].includes(inv.services.cassandra.image), b.name);
    for (const b of inv.boards) assert.equal(byBoard[b.name].includes(inv.services.kafka.image), b.roles.some((r) => r.startsWith("kafka-")), b.name);
    for (const images of Object.values(byBoard)) assert.deepEqual(images, [...new Set(images)].sort());
  });

  it("pulls only what the board lacks, side by side, and fails the step when one pull fails", () => {
    const images = ["deskcluster/cassandra:4.0.19", "deskcluster/kafka:3.9.1", "deskcluster/health-agent:0.1.0"];
    const ok = withFakeDocker(imagePullScript(images), ["deskcluster/kafka:3.9.1"], "none", 2);
    assert.equal(ok.code, 0, "the two pulls ran side by side");
    assert.deepEqual(ok.calls.filter((c) => c.startsWith("pull")), ["pull -q deskcluster/cassandra:4.0.19", "pull -q deskcluster/health-agent:0.1.0"]);
    const serial = ["set -e", ...images.map((i) => `sudo docker image inspect ${i} >/dev/null 2>&1 || sudo docker pull -q ${i} >/dev/null`)].join("\n");
    // Pulls one after another can never reach three started, however long the stand-in waits.
    assert.notEqual(withFakeDocker(serial, [], "none", 3, 5).code, 0, "the stand-in tells pulls one after another");
    assert.notEqual(withFakeDocker(imagePullScript(images), [], "deskcluster/kafka:3.9.1", 3).code, 0);
    const probe = withFakeDocker(imagesProbe(images).script, ["deskcluster/kafka:3.9.1"]);
    assert.deepEqual(JSON.parse(probe.stdout.trim()), { missing: "2" });
    assert.deepEqual(JSON.parse(withFakeDocker(imagesProbe(images).script, images).stdout.trim()), imagesProbe(images).expect);
  });

  describe("waits try a TCP connect first", () => {
    let server: Server;
    let port = 0;
    before(async () => {
      server = createServer((s) => s.end());
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      port = (server.address() as { port: number }).port;
    });
    after(() => server.close());

    it("succeeds on a listening port and fails at once on a closed one", () => {
      assert.equal(spawnSync("sh", ["-c", listening("127.0.0.1", port)]).status, 0);
      const started = Date.now();
      assert.notEqual(spawnSync("sh", ["-c", listening("127.0.0.1", 1)]).status, 0);
      assert.ok(Date.now() - started < 2500);
    });

    it("starts no nodetool while the node's CQL port is closed", () => {
      const script = checkScript({ kind: "cassandra-up-normal", board: "lab1", service: "cassandra-lab1", address: "127.0.0.1" })!;
      const dir = mkdtempSync(join(tmpdir(), "deskcluster-gate-"));
      const log = join(dir, "calls");
      writeFileSync(join(dir, "sudo"), `#!/bin/bash\necho "$*" >> ${log}\nexit 0\n`);
      chmodSync(join(dir, "sudo"), 0o755);
      try {
        // 127.0.0.1:9042 is closed on this machine (no Cassandra runs here).
        const r = spawnSync("sh", ["-c", script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
        assert.notEqual(r.status, 0);
        assert.ok(!existsSync(log), "no docker exec, no nodetool was started");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

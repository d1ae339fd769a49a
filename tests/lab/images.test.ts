// The health images on real Docker: built from this source for amd64 (the lab) and arm64 (real
// Pis, run here under qemu emulation), they read the same vitals from a Pi 4's /proc and /sys;
// the arm64 GraphQL gateway serves the lab's ring under emulation; and the agent keeps running, and keeps its
// records, while Kafka is unreachable.
import assert from "node:assert/strict";
import { execFileSync, execSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labContext } from "../../lab/checks/labContext";
import { hostAddress } from "../../model/network";

const root = join(__dirname, "..", "..");
const sh = (cmd: string) => execSync(cmd, { cwd: root, encoding: "utf8", shell: "/bin/bash", stdio: ["ignore", "pipe", "inherit"] });
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" });
const pi4 = join(root, "tests", "health-fixtures", "pi4");
const sampleScript = `const { Sampler } = require("/app/health/sampler.js");
  const r = new Sampler("pi-w1", { proc: "/host/proc", sys: "/host/sys", dataDir: "/host/var/lib/deskcluster" }).sample(1800000000000);
  console.log(JSON.stringify({ arch: process.arch, ...r }));`;

describe("health images (amd64 and arm64)", function () {
  this.timeout(15 * 60_000);
  before(() => {
    sh("bash lab/emulation.sh");
    sh("bash health/image/build.sh --arch amd64 --arch arm64");
  });

  it("read the same vitals from a Pi 4's /proc and /sys on both architectures", () => {
    const run = (tag: string, platform: string) => JSON.parse(docker("run", "--rm", "--network", "none", "--platform", platform,
      "-v", `${pi4}:/host:ro`, tag, "node", "-e", sampleScript));
    const amd = run("deskcluster/health-agent:0.1.0", "linux/amd64");
    const arm = run("deskcluster/health-agent:0.1.0-arm64", "linux/arm64");
    assert.deepEqual([amd.arch, arm.arch], ["x64", "arm64"]);
    // Disk use is the live filesystem's and moves between the two runs; the rest is the fixture's.
    const fixed = (r: Record<string, unknown>) => ({ ...r, arch: undefined, diskUsedBytes: typeof r.diskUsedBytes, diskTotalBytes: typeof r.diskTotalBytes });
    assert.deepEqual(fixed(arm), fixed(amd));
    assert.equal(fixed(arm).diskUsedBytes, "number");
    assert.deepEqual([arm.cpuTempC, arm.cpuMhz, arm.memAvailableKb, arm.tempStatus], [48.7, 1500, 6900012, "ok"]);
    assert.equal(docker("image", "inspect", "-f", "{{.Architecture}}", "deskcluster/health-sink:0.1.0-arm64").trim(), "arm64");
  });

  it("runs the arm64 gateway under qemu against the lab's ring: a token from /v1/auth, then the schema listing", async () => {
    const ctx = labContext(root);
    const secrets = mkdtempSync(join(tmpdir(), "deskcluster-gateway-"));
    writeFileSync(join(secrets, "password"), ctx.password, { mode: 0o400 });
    // Readable by the image's own user only, as the swarm secret file is.
    const user = docker("image", "inspect", "-f", "{{.Config.User}}", "deskcluster/graphql-gateway:0.1.0-arm64").trim();
    chownSync(join(secrets, "password"), Number(user), Number(user));
    chmodSync(secrets, 0o755);
    const name = `deskcluster-gateway-arm64-${process.pid}`;
    const port = 18_080;
    const cassandra = ctx.inventory.boards.filter((b) => b.roles.includes("cassandra")).map(hostAddress).join(",");
    const network = process.env.DESKCLUSTER_LAB ?? "deskcluster-lab";
    docker("run", "-d", "--name", name, "--label", "deskcluster.check=1", "--platform", "linux/arm64", "--network", network,
      "-p", `127.0.0.1:${port}:8080`, "-v", `${secrets}:/run/check:ro`, "-e", `GATEWAY_CASSANDRA_CONTACT_POINTS=${cassandra}`,
      "-e", `GATEWAY_CASSANDRA_DC=${ctx.inventory.cluster.datacenter}`, "-e", "GATEWAY_CASSANDRA_PASSWORD_FILE=/run/check/password",
      "-e", "GATEWAY_BIND=0.0.0.0", "-e", "GATEWAY_PORTS=8080", "deskcluster/graphql-gateway:0.1.0-arm64");
    try {
      const post = (path: string, body: unknown, token?: string) => fetch(`http://127.0.0.1:${port}${path}`, {
        method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(20_000),
        headers: { "content-type": "application/json", ...(token ? { "x-cassandra-token": token } : {}) },
      });
      let token = "";
      const started = Date.now();
      while (!token && Date.now() - started < 180_000) {
        token = await post("/v1/auth", { username: "cassandra", password: ctx.password }).then((r) => r.json() as Promise<{ authToken?: string }>)
          .then((j) => j.authToken ?? "", () => "");
        if (!token) await new Promise((r) => setTimeout(r, 2000));
      }
      console.log(`      arm64 gateway answered /v1/auth after ${Math.round((Date.now() - started) / 1000)} s under emulation`);
      assert.ok(token, `no token: ${execSync(`docker logs --tail 20 ${name} 2>&1`, { encoding: "utf8" })}`);
      const schema = await (await post("/graphql-schema", { query: "{ keyspaces { name } }" }, token)).json() as { data: { keyspaces: { name: string }[] } };
      assert.ok(schema.data.keyspaces.some((k: { name: string }) => k.name === "deskcluster"), JSON.stringify(schema).slice(0, 300));
      assert.equal(docker("exec", name, "node", "-p", "process.arch").trim(), "arm64");
      assert.equal((await post("/v1/auth", { username: "cassandra", password: "wrong" })).status, 401);
    } finally {
      docker("rm", "-f", name);
      rmSync(secrets, { recursive: true, force: true });
    }
  });

  it("publishes both architectures under one multi-arch tag that a board pulls for its own architecture", async () => {
    const name = `deskcluster-registry-check-${process.pid}`;
    const registry = "127.0.0.1:5001";
    sh(". lab/images/common.sh && build_image deskcluster/lab-registry:2 lab/registry >&2");
    docker("run", "-d", "--name", name, "--label", "deskcluster.check=1", "-p", `${registry}:5000`, "deskcluster/lab-registry:2");
    try {
      for (let i = 0; i < 30 && !(await fetch(`http://${registry}/v2/`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 1000));
      sh(`bash health/image/publish.sh ${registry}`);
      const list = JSON.parse(docker("manifest", "inspect", "--insecure", `${registry}/deskcluster/health-agent:0.1.0`));
      assert.deepEqual(list.manifests.map((m: any) => m.platform.architecture).sort(), ["amd64", "arm64"]);
      const remote = `${registry}/deskcluster/health-sink:0.1.0`;
      docker("pull", "-q", "--platform", "linux/arm64", remote);
      assert.equal(docker("image", "inspect", "-f", "{{.Architecture}}", remote).trim(), "arm64");
      docker("rmi", remote);
    } finally {
      docker("rm", "-f", name);
    }
  });

  it("keeps the agent running and its records waiting while Kafka is unreachable", async () => {
    const name = `deskcluster-agent-check-${process.pid}`;
    docker("run", "-d", "--name", name, "--network", "none", "--label", "deskcluster.check=1", "-v", "/:/host:ro",
      "-e", "HEALTH_BOARD=lab1", "-e", "HEALTH_TOPIC=deskcluster.health", "-e", "KAFKA_BOOTSTRAP=127.0.0.1:9", "-e", "HOST_ROOT=/host",
      "deskcluster/health-agent:0.1.0");
    try {
      await new Promise((r) => setTimeout(r, 20_000));
      const state = docker("inspect", "-f", "{{.State.Running}} {{.RestartCount}}", name).trim();
      const logs = execSync(`docker logs ${name} 2>&1`, { encoding: "utf8" }); // the agent reports on stderr
      console.log(logs.trim().split("\n").slice(-2).map((l) => `      ${l}`).join("\n"));
      assert.equal(state, "true 0", logs);
      const waiting = [...logs.matchAll(/(\d+) records wait/g)].map((m) => Number(m[1]));
      assert.ok(waiting.length >= 1 && waiting[waiting.length - 1] >= 10, `records waiting: ${waiting}`);
    } finally {
      docker("rm", "-f", name);
    }
  });
});

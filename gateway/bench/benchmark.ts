// Benchmark (printed, not a timed test): the gateway's resident memory idle and after 1,000
// queries, and p50/p99 of the latest-vitals query. On the lab by default:
//   npx ts-node --transpile-only gateway/bench/benchmark.ts
// or on a standalone gateway container of this machine's docker:
//   DESKCLUSTER_GATEWAY=host:port DESKCLUSTER_GATEWAY_PASSWORD_FILE=f ... benchmark.ts --container NAME
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { latestVitalsGraphql } from "../../health/latestVitals";
import { dayOf } from "../../health/record";

const queries = 1000;
const { values: args } = parseArgs({ options: { container: { type: "string" } } });

interface Bench { base: string; password: string; keyspace: string; boards: string[]; rssKb(): Promise<number> }

const rssOf = (status: string): number => Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);

function target(): Bench {
  if (process.env.DESKCLUSTER_GATEWAY) {
    return {
      base: `http://${process.env.DESKCLUSTER_GATEWAY}`, password: readFileSync(process.env.DESKCLUSTER_GATEWAY_PASSWORD_FILE!, "utf8").trim(),
      keyspace: "deskcluster", boards: ["lab1", "lab2"],
      rssKb: async () => rssOf(execFileSync("docker", ["exec", args.container!, "cat", "/proc/1/status"], { encoding: "utf8" })),
    };
  }
  const { labContext, containerOf } = require("../../lab/checks/labContext") as typeof import("../../lab/checks/labContext");
  const { gatewayBoards, gatewayPorts } = require("../../model/gatewayConfig") as typeof import("../../model/gatewayConfig");
  const { hostAddress } = require("../../model/network") as typeof import("../../model/network");
  const { gatewayServiceName } = require("../../model/serviceNames") as typeof import("../../model/serviceNames");
  const ctx = labContext(join(__dirname, "..", ".."));
  const gw = gatewayBoards(ctx.inventory)[0];
  return {
    base: `http://${hostAddress(gw)}:${gatewayPorts(ctx.inventory).graphql}`, password: ctx.password, keyspace: ctx.inventory.services.health!.keyspace,
    boards: ctx.inventory.boards.filter((b) => b.roles.includes("health-agent")).map((b) => b.name).sort(),
    rssKb: async () => rssOf(await ctx.sh(gw.name, `sudo docker exec ${containerOf(gatewayServiceName)} cat /proc/1/status`)),
  };
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const t = target();
  const auth = await fetch(`${t.base}/v1/auth`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "cassandra", password: t.password }),
  });
  const token = ((await auth.json()) as { authToken: string }).authToken;
  const idle = await t.rssKb();
  const ms: number[] = [];
  for (let i = 0; i < queries; i++) {
    const board = t.boards[i % t.boards.length];
    const t0 = performance.now();
    const r = await fetch(`${t.base}/graphql/${t.keyspace}`, {
      method: "POST", headers: { "content-type": "application/json", "x-cassandra-token": token },
      body: JSON.stringify({ query: latestVitalsGraphql("vitals", board, dayOf(Date.now())) }),
    });
    const body = (await r.json()) as { errors?: unknown };
    ms.push(performance.now() - t0);
    if (body.errors) throw new Error(`query ${i}: ${JSON.stringify(body.errors).slice(0, 300)}`);
  }
  const after = await t.rssKb();
  ms.sort((a, b) => a - b);
  console.log(`gateway RSS: idle ${(idle / 1024).toFixed(1)} MB, after ${queries} queries ${(after / 1024).toFixed(1)} MB (target <= 150 MB)`);
  console.log(`latest-vitals query over ${t.boards.length} boards: p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms, ` +
    `max ${ms[ms.length - 1].toFixed(1)} ms (target p99 <= 50 ms)`);
}

main().catch((e: Error) => { console.error(`benchmark: ${e.message}`); process.exit(1); });

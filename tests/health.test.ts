// The health agent's parsers on fixture /proc and /sys trees (a Pi 4 and a VM without a
// thermal zone), the record contract, the outbox, and the sink's row mapping.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentSettings, sinkSettings } from "../health/settings";
import { Outbox } from "../health/outbox";
import { decodeRecord, encodeRecord, maxTimestampMs } from "../health/record";
import { Sampler } from "../health/sampler";
import { cpuPercent, parseMeminfo, parseProcStat } from "../health/vitals";
import { insertCql, rowParams, vitalsColumns } from "../health/vitalsRow";
import { agentEnv, healthSchemaCql, healthTopicSpec, sinkEnv } from "../model/healthConfig";
import { root, stack } from "./helpers";

const fixture = (name: string) => join(root, "tests", "health-fixtures", name);
const samplerOn = (tree: string, board = "pi-w1") =>
  new Sampler(board, { proc: join(tree, "proc"), sys: join(tree, "sys"), dataDir: join(tree, "var/lib/deskcluster") });

describe("health agent: vitals from /proc and /sys", () => {
  it("reads a Pi 4: cpu-thermal zone, cpufreq clock, MemAvailable, load", () => {
    const r = samplerOn(fixture("pi4")).sample(1_800_000_000_000);
    assert.deepEqual({ ...r, diskUsedBytes: typeof r.diskUsedBytes, diskTotalBytes: typeof r.diskTotalBytes }, {
      board: "pi-w1", ts: 1_800_000_000_000, cpuPercent: null, cpuTempC: 48.7, tempStatus: "ok",
      memFreeKb: 5123456, memAvailableKb: 6900012, memTotalKb: 7998196, cpuMhz: 1500,
      load1: 0.52, load5: 0.58, load15: 0.59, diskUsedBytes: "number", diskTotalBytes: "number",
    });
  });

  it("reports the temperature as unavailable on a board with no thermal zone, and falls back for memory and clock", () => {
    const r = samplerOn(fixture("vm-no-thermal"), "lab1").sample();
    assert.equal(r.cpuTempC, null);
    assert.equal(r.tempStatus, "unavailable");
    assert.equal(r.memAvailableKb, 512000 + 10000 + 300000); // no MemAvailable: free + buffers + cache
    assert.equal(r.cpuMhz, 2400);
    assert.equal(r.diskUsedBytes, null); // no data folder in this tree
  });

  it("computes CPU % between two samples of /proc/stat", () => {
    const tree = mkdtempSync(join(tmpdir(), "health-"));
    cpSync(fixture("vm-no-thermal"), tree, { recursive: true });
    const s = samplerOn(tree);
    assert.equal(s.sample().cpuPercent, null); // one sample says nothing about use
    // +300 busy jiffies (user 200, system 100) and +700 idle: 30 %
    writeFileSync(join(tree, "proc/stat"), "cpu  1200 0 600 8700 500 0 0 0 0 0\n");
    assert.equal(s.sample().cpuPercent, 30);
    assert.equal(cpuPercent(parseProcStat("cpu 1 0 0 1\n"), parseProcStat("cpu 1 0 0 1\n")), null);
  });

  it("refuses malformed files instead of inventing numbers", () => {
    assert.throws(() => parseProcStat("intr 1 2 3\n"), /no aggregate cpu line/);
    assert.throws(() => parseProcStat("cpu  a b c d\n"), /malformed/);
    assert.throws(() => parseMeminfo("Cached: 1 kB\n"), /MemTotal/);
  });
});

describe("health records", () => {
  const record = samplerOn(fixture("pi4")).sample(1_800_000_000_000);

  it("round-trips through a Kafka message keyed by board", () => {
    const m = encodeRecord(record);
    assert.equal(m.key, "pi-w1");
    assert.deepEqual(decodeRecord(Buffer.from(m.value)), { ok: true, record });
  });

  it("rejects garbage with the reason", () => {
    assert.deepEqual(decodeRecord(Buffer.from("{nope")), { ok: false, error: "not JSON" });
    const bad = decodeRecord(JSON.stringify({ ...record, cpuPercent: 140 }));
    assert.ok(!bad.ok && bad.error.startsWith("cpuPercent:"), JSON.stringify(bad));
    assert.ok(!decodeRecord(JSON.stringify({ ...record, extra: 1 })).ok);
  });

  it("refuses at decode a value its column cannot hold (a poison record would stop the sink's partition), naming the field", () => {
    for (const [field, value] of [["ts", 8.7e15], ["cpuMhz", 3e9], ["memTotalKb", 1.5], ["diskUsedBytes", 2 ** 60], ["cpuTempC", 1e300]] as const) {
      const d = decodeRecord(JSON.stringify({ ...record, [field]: value }));
      assert.ok(!d.ok && d.error.startsWith(`${field}:`), `${field} ${value}: ${JSON.stringify(d)}`);
    }
    // The largest values each column holds still decode and map to a row.
    const edge = { ...record, ts: maxTimestampMs, cpuMhz: 2_147_483_647, memTotalKb: Number.MAX_SAFE_INTEGER };
    const d = decodeRecord(JSON.stringify(edge));
    assert.ok(d.ok, JSON.stringify(d));
    assert.equal(rowParams(d.record)[1], "9999-12-31");
  });

  it("maps to an idempotent row: (board, day, ts) is the key, one parameter per column", () => {
    const p = rowParams(record);
    assert.equal(p.length, vitalsColumns.length);
    assert.deepEqual(p.slice(0, 3), ["pi-w1", "2027-01-15", new Date(1_800_000_000_000)]);
    assert.match(insertCql("deskcluster", "vitals"), /^INSERT INTO deskcluster\.vitals \(board, day, ts, .*\) VALUES \((\?, ){14}\?\)$/);
  });
});

describe("health outbox", () => {
  it("keeps records until acknowledged and drops the oldest past its bound", () => {
    const o = new Outbox<number>(3);
    for (const n of [1, 2, 3, 4, 5]) o.push(n);
    assert.deepEqual([o.peek(10), o.dropped], [[3, 4, 5], 2]);
    o.ack(2);
    assert.deepEqual(o.peek(10), [5]);
    assert.throws(() => new Outbox(0), /positive integer/);
  });
});

describe("health configgen", () => {
  const lab = stack("lab");
  it("renders a topic with replication 3 and a TTL'd, newest-first table", () => {
    assert.deepEqual(healthTopicSpec(lab), { name: "deskcluster.health", partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 });
    const cql = healthSchemaCql(lab).join("\n");
    assert.match(cql, /PRIMARY KEY \(\(board, day\), ts\)\) WITH CLUSTERING ORDER BY \(ts DESC\) AND default_time_to_live = 86400;/);
    assert.match(cql, /'lab1': 3/);
  });
  it("gives the agent and sink settings they accept, the password only as a file", () => {
    const a = agentSettings({ ...agentEnv(lab), HEALTH_BOARD: "lab2" });
    assert.deepEqual([a.board, a.brokers, a.dataDir], ["lab2", ["172.30.77.11:9092", "172.30.77.12:9092", "172.30.77.13:9092"], "/var/lib/deskcluster"]);
    const env = sinkEnv(lab, "lab4");
    assert.ok(!Object.keys(env).some((k) => /PASSWORD$/.test(k)));
    assert.equal(sinkSettings(env).passwordFile, "/run/secrets/cassandra-password");
    assert.throws(() => agentSettings({ ...agentEnv(lab), HEALTH_BOARD: "Bad Name" }), /health-agent: HEALTH_BOARD: a board name/);
  });
});

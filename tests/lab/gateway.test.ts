// The GraphQL gateway in the lab, against Stargate's documented contract: auth, schema listing,
// value/filter/orderBy/paging queries, each mutation with and without its condition, what a row
// written with CQL at LOCAL_QUORUM looks like through GraphQL, the latest vitals per board, and
// the dashboard in headless Chromium (every board drawn; a stopped agent raises its silence alert).
// Assumes the lab is up (the shared root hook). DESKCLUSTER_GATEWAY=host:port with
// DESKCLUSTER_GATEWAY_CASSANDRA=address, _DC and _PASSWORD_FILE runs it against another gateway
// (a standalone Cassandra; a stand-in agent then writes the vitals of two boards).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { auth, Client, types } from "cassandra-driver";
import { badCredentialsMessage, invalidTokenMessage, missingTokenMessage } from "../../gateway/auth";
import { latestVitalsGraphql } from "../../health/latestVitals";
import { dayOf } from "../../health/record";
import { insertCql, rowParams } from "../../health/vitalsRow";
import { containerOf } from "../../lab/checks/labContext";
import { gatewayBoards, gatewayPorts } from "../../model/gatewayConfig";
import { healthTable } from "../../model/healthConfig";
import { hostAddress } from "../../model/network";
import { healthAgentServiceName } from "../../model/serviceNames";

const root = join(__dirname, "..", "..");
const ks = "gateway_contract";

interface Target {
  readonly base: string;
  readonly password: string;
  readonly healthKeyspace: string;
  readonly boards: string[];
  cql(): Promise<Client>;
  /** Stops the vitals of one board; the returned function brings them back. */
  stopAgent(board: string): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

async function client(contactPoints: string[], dc: string, password: string): Promise<Client> {
  const c = new Client({ contactPoints, localDataCenter: dc, authProvider: new auth.PlainTextAuthProvider("cassandra", password) });
  await c.connect();
  return c;
}

function standaloneTarget(): Target {
  const password = readFileSync(process.env.DESKCLUSTER_GATEWAY_PASSWORD_FILE!, "utf8").trim();
  const cp = [process.env.DESKCLUSTER_GATEWAY_CASSANDRA!], dc = process.env.DESKCLUSTER_GATEWAY_DC ?? "dc1";
  const boards = ["lab1", "lab2"];
  let c: Client | undefined;
  const stopped = new Set<string>();
  const timer = setInterval(() => {
    for (const b of boards.filter((x) => !stopped.has(x))) {
      const now = Date.now();
      void c?.execute(insertCql("deskcluster", healthTable), rowParams({
        board: b, ts: now, cpuPercent: 20 + 10 * Math.sin(now / 5000), cpuTempC: 45, tempStatus: "ok", memFreeKb: 2_000_000,
        memAvailableKb: 3_000_000, memTotalKb: 4_194_304, cpuMhz: 1500, load1: 0.5, load5: 0.4, load15: 0.3, diskUsedBytes: 1, diskTotalBytes: 2,
      }), { prepare: true }).catch(() => undefined);
    }
  }, 1000);
  return {
    base: `http://${process.env.DESKCLUSTER_GATEWAY}`, password, healthKeyspace: "deskcluster", boards,
    cql: async () => (c ??= await client(cp, dc, password)),
    stopAgent: async (b) => { stopped.add(b); return async () => { stopped.delete(b); }; },
    close: async () => { clearInterval(timer); await c?.shutdown(); },
  };
}

function labTarget(): Target {
  // Loaded here: the lab context reads the lab's files, which a standalone run does not have.
  const { labContext } = require("../../lab/checks/labContext") as typeof import("../../lab/checks/labContext");
  const ctx = labContext(root);
  const inv = ctx.inventory;
  const gw = gatewayBoards(inv)[0];
  assert.ok(gw, "no graphql-gateway board in the lab inventory");
  let c: Client | undefined;
  return {
    base: `http://${hostAddress(gw)}:${gatewayPorts(inv).graphql}`, password: ctx.password, healthKeyspace: inv.services.health!.keyspace,
    boards: inv.boards.filter((b) => b.roles.includes("health-agent")).map((b) => b.name).sort(),
    cql: async () => (c ??= await client(inv.boards.filter((b) => b.roles.includes("cassandra")).map(hostAddress), inv.cluster.datacenter, ctx.password)),
    // The agent is one global service: pausing its task on one board silences that board only,
    // and swarm neither restarts nor reschedules a paused container.
    stopAgent: async (b) => {
      await ctx.sh(b, `ctr=${containerOf(healthAgentServiceName)}; sudo docker pause "$ctr" >/dev/null`);
      return async () => {
        await ctx.sh(b, `ctr=$(sudo docker ps -aq --filter label=com.docker.swarm.service.name=${healthAgentServiceName} ` +
          `--filter status=paused | head -n 1); [ -z "$ctr" ] || sudo docker unpause "$ctr" >/dev/null`);
      };
    },
    close: async () => { await c?.shutdown(); },
  };
}

describe("GraphQL gateway (Stargate's CQL-first contract)", function () {
  this.timeout(10 * 60_000);
  let t: Target;
  let token = "";
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(t.base + path, {
      method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
    });
  /** A GraphQL request on a keyspace: the parsed body, errors included. */
  const gql = async (query: string, keyspace = ks, variables?: object): Promise<{ data?: any; errors?: { message: string }[] }> =>
    (await post(`/graphql/${keyspace}`, { query, variables }, { "x-cassandra-token": token })).json() as never;
  const data = async (query: string, keyspace = ks) => {
    const r = await gql(query, keyspace);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data;
  };

  before(async () => {
    t = process.env.DESKCLUSTER_GATEWAY ? standaloneTarget() : labTarget();
    const c = await t.cql();
    const dc = (await c.execute("SELECT data_center FROM system.local")).first().get("data_center");
    const rf = Math.min(3, (await c.execute("SELECT peer FROM system.peers")).rowLength + 1);
    await c.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', '${dc}': ${rf}}`);
    await c.execute(`DROP TABLE IF EXISTS ${ks}.items`);
    await c.execute(`CREATE TABLE ${ks}.items (pk text, ck int, label text, big bigint, at timestamp, ` +
      `tags set<text>, attrs map<text, int>, PRIMARY KEY (pk, ck))`);
    await c.execute(`CREATE INDEX IF NOT EXISTS items_tags ON ${ks}.items (tags)`);
    await c.execute(`CREATE INDEX IF NOT EXISTS items_attrs ON ${ks}.items (entries(attrs))`);
  });
  after(async () => { await t?.close(); });

  describe("auth", () => {
    it("answers a token for the right password, 201", async () => {
      const r = await post("/v1/auth", { username: "cassandra", password: t.password });
      assert.equal(r.status, 201);
      token = ((await r.json()) as { authToken: string }).authToken;
      assert.match(token, /^[0-9a-f-]{36}$/);
    });

    it("refuses a wrong password and an unknown user with the same 401", async () => {
      for (const username of ["cassandra", "no_such_role"]) {
        const r = await post("/v1/auth", { username, password: "wrong password" });
        assert.deepEqual([r.status, await r.json()], [401, { description: badCredentialsMessage, code: 401 }]);
      }
    });

    it("refuses a request without a token, or with an unknown one, with Stargate's 401", async () => {
      let r = await post(`/graphql/${ks}`, { query: "{ conversionWarnings }" });
      assert.deepEqual([r.status, await r.json()], [401, { description: missingTokenMessage, code: 401 }]);
      r = await post(`/graphql/${ks}`, { query: "{ conversionWarnings }" }, { "x-cassandra-token": "00000000-0000-4000-8000-000000000000" });
      assert.deepEqual([r.status, ((await r.json()) as { description: string }).description], [401, invalidTokenMessage]);
    });
  });

  describe("schema", () => {
    it("serves a table created after the gateway started, without a restart", async () => {
      assert.deepEqual(await data(`{ items(value: { pk: "none" }) { values { ck } } }`), { items: { values: [] } });
    });

    it("lists keyspaces, tables and columns at /graphql-schema", async () => {
      const r = await (await post("/graphql-schema",
        { query: `{ keyspace(name: "${ks}") { name tables { name columns { name kind type { basic info { subTypes { basic } } } } } } }` },
        { "x-cassandra-token": token })).json() as any;
      const cols = r.data.keyspace.tables.find((x: { name: string }) => x.name === "items").columns;
      assert.deepEqual(cols.map((c: any) => [c.name, c.kind, c.type.basic]), [
        ["pk", "PARTITION", "TEXT"], ["ck", "CLUSTERING", "INT"], ["at", "REGULAR", "TIMESTAMP"], ["attrs", "REGULAR", "MAP"],
        ["big", "REGULAR", "BIGINT"], ["label", "REGULAR", "TEXT"], ["tags", "REGULAR", "SET"],
      ]);
      assert.deepEqual(cols.find((c: any) => c.name === "attrs").type.info.subTypes, [{ basic: "TEXT" }, { basic: "INT" }]);
    });

    it("answers an unknown keyspace with 404 and a malformed query with a GraphQL error", async () => {
      const r = await post("/graphql/no_such_keyspace", { query: "{ a }" }, { "x-cassandra-token": token });
      assert.deepEqual([r.status, await r.json()], [404, { errors: [{ message: "Unknown keyspace 'no_such_keyspace'" }] }]);
      assert.match((await gql("{ items(value: { pk: 1 } { values { ck } } }")).errors![0].message, /^Syntax Error/);
    });
  });

  describe("queries", () => {
    before(async () => {
      for (let ck = 1; ck <= 7; ck++) {
        const r = await data(`mutation { insertitems(value: { pk: "a", ck: ${ck}, label: "l${ck % 2}", ` +
          `big: "900719925474099${ck}", at: "2024-05-01T10:00:0${ck}Z",
          tags: ["t${ck}"], attrs: [{ key: "k", value: ${ck} }] }) { applied value { pk ck } } }`);
        assert.deepEqual(r.insertitems, { applied: true, value: { pk: "a", ck } });
      }
      await data(`mutation { insertitems(value: { pk: "b", ck: 1, label: "other" }) { applied } }`);
    });

    it("reads by value: every row of the partition in clustering order, values in Stargate's scalars", async () => {
      const r = await data(`{ items(value: { pk: "a" }) { values { pk ck label big at tags attrs { key value } } pageState } }`);
      assert.equal(r.items.values.length, 7);
      assert.deepEqual(r.items.values[0],
        { pk: "a", ck: 1, label: "l1", big: "9007199254740991", at: "2024-05-01T10:00:01Z", tags: ["t1"], attrs: [{ key: "k", value: 1 }] });
      assert.equal(r.items.pageState, null);
    });

    it("filters with eq, in, gt, gte, lt, lte, contains and containsEntry", async () => {
      const cks = async (filter: string) =>
        (await data(`{ items(filter: { ${filter} }) { values { pk ck } } }`)).items.values.map((v: any) => `${v.pk}${v.ck}`);
      assert.deepEqual(await cks(`pk: { eq: "a" }, ck: { eq: 3 }`), ["a3"]);
      assert.deepEqual((await cks(`pk: { in: ["a", "b"] }, ck: { in: [1, 2] }`)).sort(), ["a1", "a2", "b1"]);
      assert.deepEqual(await cks(`pk: { eq: "a" }, ck: { gt: 5 }`), ["a6", "a7"]);
      assert.deepEqual(await cks(`pk: { eq: "a" }, ck: { gte: 6 }`), ["a6", "a7"]);
      assert.deepEqual(await cks(`pk: { eq: "a" }, ck: { lt: 2 }`), ["a1"]);
      assert.deepEqual(await cks(`pk: { eq: "a" }, ck: { gt: 2, lte: 4 }`), ["a3", "a4"]);
      assert.deepEqual(await cks(`tags: { contains: "t5" }`), ["a5"]);
      assert.deepEqual(await cks(`attrs: { containsEntry: { key: "k", value: 6 } }`), ["a6"]);
    });

    it("refuses a filter Cassandra could only serve with ALLOW FILTERING, and notEq outside a condition", async () => {
      assert.match((await gql(`{ items(filter: { label: { eq: "l1" } }) { values { ck } } }`)).errors![0].message, /label.*needs ALLOW FILTERING/);
      assert.match((await gql(`{ items(filter: { pk: { eq: "a" }, ck: { notEq: 1 } }) { values { ck } } }`)).errors![0].message,
        /notEq is only allowed in ifCondition/);
    });

    it("orders by a clustering column and limits", async () => {
      const r = await data(`{ items(value: { pk: "a" }, orderBy: [ck_DESC], options: { limit: 3 }) { values { ck } } }`);
      assert.deepEqual(r.items.values, [{ ck: 7 }, { ck: 6 }, { ck: 5 }]);
    });

    it("pages with pageSize and pageState until the last page", async () => {
      const seen: number[] = [];
      let state: string | null = null, pages = 0;
      do {
        const opts: string = state ? `pageSize: 3, pageState: ${JSON.stringify(state)}` : "pageSize: 3";
        const r: any = await data(`{ items(value: { pk: "a" }, options: { ${opts} }) { values { ck } pageState } }`);
        seen.push(...r.items.values.map((v: any) => v.ck));
        state = r.items.pageState;
        pages++;
      } while (state && pages < 10);
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
      assert.ok(pages >= 3, `${pages} pages`);
      assert.match((await gql(`{ items(value: { pk: "a" }, options: { pageSize: 100000 }) { values { ck } } }`)).errors![0].message,
        /pageSize must be between 1 and/);
    });
  });

  describe("mutations", () => {
    const row = async (ck: number) => (await data(`{ items(value: { pk: "m", ck: ${ck} }) { values { ck label } } }`)).items.values[0];

    it("insert, and insert ifNotExists: applied, or not with the row that is there", async () => {
      assert.deepEqual(
        (await data(`mutation { insertitems(value: { pk: "m", ck: 1, label: "first" }, ifNotExists: true) { applied value { label } } }`)).insertitems,
        { applied: true, value: { label: "first" } });
      assert.deepEqual(
        (await data(`mutation { insertitems(value: { pk: "m", ck: 1, label: "second" }, ifNotExists: true) { applied value { ck label } } }`)).insertitems,
        { applied: false, value: { ck: 1, label: "first" } });
      await data(`mutation { insertitems(value: { pk: "m", ck: 2, label: "short-lived" }, options: { ttl: 2, consistency: LOCAL_QUORUM }) { applied } }`);
      assert.equal((await row(2)).label, "short-lived");
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await row(2), undefined, "the TTL expired the row");
    });

    it("update, update ifExists and update ifCondition", async () => {
      assert.equal((await data(`mutation { updateitems(value: { pk: "m", ck: 1, label: "updated" }) { applied } }`)).updateitems.applied, true);
      assert.equal((await row(1)).label, "updated");
      assert.equal((await data(`mutation { updateitems(value: { pk: "m", ck: 9, label: "x" }, ifExists: true) { applied } }`)).updateitems.applied, false);
      assert.equal(await row(9), undefined);
      const cond = (label: string) => `mutation { updateitems(value: { pk: "m", ck: 1, label: "conditional" }, ` +
        `ifCondition: { label: { eq: "${label}" } }) { applied value { label } } }`;
      assert.deepEqual((await data(cond("nope"))).updateitems, { applied: false, value: { label: "updated" } });
      assert.deepEqual((await data(cond("updated"))).updateitems, { applied: true, value: { label: "conditional" } });
    });

    it("delete, delete ifExists and delete ifCondition", async () => {
      await data(`mutation { insertitems(value: { pk: "m", ck: 3, label: "x" }) { applied } }`);
      assert.equal((await data(`mutation { deleteitems(value: { pk: "m", ck: 3 }) { applied } }`)).deleteitems.applied, true);
      assert.equal(await row(3), undefined);
      assert.equal((await data(`mutation { deleteitems(value: { pk: "m", ck: 3 }, ifExists: true) { applied } }`)).deleteitems.applied, false);
      assert.equal((await data(`mutation { deleteitems(value: { pk: "m", ck: 1 }, ifCondition: { label: { eq: "nope" } }) { applied } }`)).deleteitems.applied,
        false);
      assert.equal(
        (await data(`mutation { deleteitems(value: { pk: "m", ck: 1 }, ifCondition: { label: { eq: "conditional" } }) { applied } }`)).deleteitems.applied,
        true);
      assert.equal(await row(1), undefined);
    });
  });

  describe("with Cassandra and the health pipeline", () => {
    it("reads back through GraphQL a row written with CQL at LOCAL_QUORUM", async () => {
      const c = await t.cql();
      const label = `written at LOCAL_QUORUM ${Date.now()}`;
      await c.execute(`INSERT INTO ${ks}.items (pk, ck, label) VALUES (?, ?, ?)`, ["q", 1, label],
        { prepare: true, consistency: types.consistencies.localQuorum });
      assert.deepEqual((await data(`{ items(value: { pk: "q", ck: 1 }) { values { label } } }`)).items.values, [{ label }]);
    });

    it("returns every board's latest vitals, at least as new as Cassandra's newest row", async () => {
      const c = await t.cql();
      for (const b of t.boards) {
        const rs = await c.execute(`SELECT ts FROM ${t.healthKeyspace}.${healthTable} WHERE board = ? AND day = ? LIMIT 1`,
          [b, dayOf(Date.now())], { prepare: true });
        const newest = rs.first()?.get("ts") as Date | undefined;
        assert.ok(newest, `no vitals of ${b} in Cassandra`);
        const v = (await data(latestVitalsGraphql(healthTable, b, dayOf(Date.now())), t.healthKeyspace))[healthTable].values[0];
        assert.ok(v, `no vitals of ${b} through GraphQL`);
        assert.ok(Date.parse(v.ts) >= newest.getTime(), `${b}: GraphQL's newest ${v.ts} is older than Cassandra's ${newest.toISOString()}`);
      }
    });
  });

  describe("dashboard (headless Chromium)", () => {
    it("shows every board's charts with data, and the silence alert of a board whose agent stopped", async function () {
      const chromium = execFileSync("bash", [join(root, "scripts", "chromium.sh")], { encoding: "utf8" }).trim();
      const shots = join(root, "bin", "test-output");
      mkdirSync(shots, { recursive: true });
      const silentBoard = t.boards[t.boards.length - 1];
      const probe = spawn(process.execPath, ["--experimental-websocket", "-r", "ts-node/register/transpile-only", join(__dirname, "dashboardProbe.ts")],
        { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
      const out = createInterface({ input: probe.stdout! });
      const next = (): Promise<any> => new Promise((resolve, reject) => {
        out.once("line", (l) => resolve(JSON.parse(l)));
        probe.once("exit", (c) => reject(new Error(`dashboard probe exited ${c}`)));
      });
      probe.stdin!.write(`${JSON.stringify({ chromium, url: `${t.base}/dashboard/`, token, boards: t.boards, silentBoard, shots, timeoutMs: 90_000 })}\n`);
      let restore: (() => Promise<void>) | undefined;
      try {
        const ready = await next();
        assert.equal(ready.step, "ready", ready.message);
        console.log(`      dashboard screenshot: ${ready.screenshot}`);
        assert.deepEqual(ready.cards.map((c: any) => c.board), t.boards);
        for (const c of ready.cards) assert.ok(c.points > 0, `${c.board} has no points`);
        restore = await t.stopAgent(silentBoard);
        probe.stdin!.write("stopped\n");
        const silent = await next();
        assert.equal(silent.step, "silent", silent.message);
        console.log(`      dashboard screenshot with ${silentBoard} silent: ${silent.screenshot}`);
        for (const c of silent.cards) assert.equal(c.alerts.includes("silent"), c.board === silentBoard, `${c.board}: alerts "${c.alerts}"`);
      } finally {
        await restore?.();
        probe.kill();
      }
    });
  });
});

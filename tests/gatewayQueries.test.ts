// GraphQL requests in Stargate's shapes, turned into CQL: filters with each operator, orderBy,
// paging, mutations with and without conditions, and the errors for what cannot be served.
// A recording executor stands in for Cassandra.
import assert from "node:assert/strict";
import { types } from "cassandra-driver";
import { Statement } from "../gateway/cqlStatements";
import { buildDmlSchema, CqlExecutor, ExecuteOptions, ExecuteResult } from "../gateway/dmlSchema";
import { runGraphql } from "../gateway/graphqlRequest";
import { keyspaceModels } from "../gateway/keyspaceModel";
import { defaultLimits } from "../gateway/limits";
import { schemaRows } from "./gatewayFixtures";

class Recorder implements CqlExecutor {
  readonly calls: { cql: string; params: unknown[]; o: ExecuteOptions }[] = [];
  constructor(private readonly answer: (s: Statement) => ExecuteResult = () => ({ rows: [] })) {}
  async execute(s: Statement, o: ExecuteOptions): Promise<ExecuteResult> {
    this.calls.push({ cql: s.cql, params: s.params, o });
    return this.answer(s);
  }
}

const schema = buildDmlSchema(keyspaceModels(schemaRows).get("deskcluster")!).schema;
async function gql(query: string, ex = new Recorder(), variables?: Record<string, unknown>, method = "POST") {
  const a = await runGraphql(schema, { query, variables }, { executor: ex, maxPageSize: 1000 }, defaultLimits, method);
  // Through JSON, as a client sees it.
  return { status: a.status, body: JSON.parse(JSON.stringify(a.body)) as { data?: any; errors?: { message: string }[] }, ex };
}

describe("gateway: queries to CQL", () => {
  it("reads by value with the default options: LOCAL_QUORUM, page size 100, only the selected columns", async () => {
    const ts = new Date(Date.UTC(2024, 4, 1, 10, 0, 0));
    const ex = new Recorder(() => ({ rows: [{ board: "lab1", ts, mem_available_kb: types.Long.fromString("4000000") }] }));
    const r = await gql(`{ vitals(value: { board: "lab1", day: "2024-05-01" }) { values { board ts mem_available_kb } pageState } }`, ex);
    assert.deepEqual(r.body, { data: { vitals: { values: [{ board: "lab1", ts: "2024-05-01T10:00:00Z", mem_available_kb: "4000000" }], pageState: null } } });
    assert.equal(ex.calls[0].cql, `SELECT "board", "ts", "mem_available_kb" FROM "deskcluster"."vitals" WHERE "board" = ? AND "day" = ?`);
    assert.equal(ex.calls[0].params[0], "lab1");
    assert.equal(String(ex.calls[0].params[1]), "2024-05-01");
    assert.deepEqual({ ...ex.calls[0].o, pageState: undefined }, { consistency: "LOCAL_QUORUM", pageSize: 100, pageState: undefined });
  });

  it("translates every filter operator", async () => {
    const ex = new Recorder();
    await gql(`{ vitals(filter: { board: { in: ["lab1", "lab2"] }, day: { eq: "2024-05-01" }, ts: { gte: "2024-05-01T10:00:00Z", lt: 1714560000000 } },
      orderBy: [ts_ASC], options: { limit: 5, consistency: LOCAL_ONE }) { values { ts } } }`, ex);
    assert.equal(ex.calls[0].cql,
      `SELECT "ts" FROM "deskcluster"."vitals" WHERE "board" IN ? AND "day" = ? AND "ts" >= ? AND "ts" < ? ORDER BY "ts" ASC LIMIT ?`);
    assert.deepEqual(ex.calls[0].params.slice(0, 1), [["lab1", "lab2"]]);
    assert.equal(ex.calls[0].params[4], 5);
    assert.equal(ex.calls[0].o.consistency, "LOCAL_ONE");
    const id = "fe86cad0-1965-11eb-84e6-ab660d2e8c9e";
    await gql(`{ things(filter: { id: { eq: "${id}" }, seq: { gt: 1, lte: 9 } }) { values { seq } } }`, ex);
    assert.equal(ex.calls[1].cql, `SELECT "seq" FROM "deskcluster"."things" WHERE "id" = ? AND "seq" > ? AND "seq" <= ?`);
    await gql(`{ things(filter: { tag: { eq: "red" } }) { values { id tag } } }`, ex);
    assert.equal(ex.calls[2].cql, `SELECT "id", "tag" FROM "deskcluster"."things" WHERE "tag" = ?`);
  });

  it("pages: pageSize and pageState in, base64 pageState out", async () => {
    const ex = new Recorder(() => ({ rows: [{ seq: 1 }], pageState: Buffer.from([1, 2, 3]) }));
    const r = await gql(`{ things(value: { id: "fe86cad0-1965-11eb-84e6-ab660d2e8c9e" }, ` +
      `options: { pageSize: 1, pageState: "CQk=" }) { values { seq } pageState } }`, ex);
    assert.deepEqual(r.body.data.things, { values: [{ seq: 1 }], pageState: "AQID" });
    assert.deepEqual([ex.calls[0].o.pageSize, ex.calls[0].o.pageState], [1, Buffer.from([9, 9])]);
  });

  it("refuses what would need ALLOW FILTERING, with the reason, before Cassandra is asked", async () => {
    const cases: [string, RegExp][] = [
      [`{ vitals(filter: { cpu_mhz: { gt: 1000 } }) { values { board } } }`,
        /gt on cpu_mhz, a non-key column without a matching secondary index, needs ALLOW FILTERING/],
      [`{ vitals(filter: { board: { eq: "lab1" } }) { values { board } } }`,
        /part of the partition key \(board\) needs ALLOW FILTERING.*restrict the whole partition key \(board, day\)/],
      [`{ vitals(filter: { ts: { gt: 0 } }) { values { board } } }`, /clustering column ts without the partition key needs ALLOW FILTERING/],
      [`{ vitals(filter: { board: { gt: "a" }, day: { eq: "2024-05-01" } }) { values { board } } }`, /only eq and in are supported on the partition key/],
      [`{ vitals(filter: { board: { notEq: "a" } }) { values { board } } }`, /notEq is only allowed in ifCondition/],
      [`{ things(filter: { tags: { contains: "a" } }) { values { id } } }`, /contains on tags, a non-key column without a matching secondary index/],
      [`{ vitals(orderBy: [ts_DESC]) { values { board } } }`, /orderBy needs the whole partition key/],
    ];
    for (const [q, msg] of cases) {
      const r = await gql(q);
      assert.equal(r.status, 200);
      assert.match(r.body.errors![0].message, msg, q);
      assert.equal(r.ex.calls.length, 0, q);
    }
  });

  it("bounds the page size and checks options", async () => {
    let r = await gql(`{ vitals(value: { board: "a", day: "2024-05-01" }, options: { pageSize: 100000 }) { values { board } } }`);
    assert.match(r.body.errors![0].message, /options.pageSize must be between 1 and 1000 \(got 100000\)/);
    r = await gql(`{ vitals(value: { board: "a", day: "2024-05-01" }, options: { pageState: "not base64!" }) { values { board } } }`);
    assert.match(r.body.errors![0].message, /pageState is not a page state/);
  });

  it("inserts, with and without ifNotExists and a TTL, and reports applied and the row that won", async () => {
    let ex = new Recorder();
    let r = await gql(`mutation { insertvitals(value: { board: "lab1", day: "2024-05-01", ts: 0, cpu_mhz: 1500 }, ` +
      `options: { ttl: 60 }) { applied value { board cpu_mhz } } }`, ex);
    assert.deepEqual(r.body.data.insertvitals, { applied: true, value: { board: "lab1", cpu_mhz: 1500 } });
    assert.equal(ex.calls[0].cql, `INSERT INTO "deskcluster"."vitals" ("board", "day", "ts", "cpu_mhz") VALUES (?, ?, ?, ?) USING TTL ?`);
    assert.equal(ex.calls[0].params[4], 60);
    ex = new Recorder(() => ({ rows: [{ "[applied]": false, board: "lab1", day: types.LocalDate.fromString("2024-05-01"), ts: new Date(0), cpu_mhz: 600 }] }));
    r = await gql(`mutation { insertvitals(value: { board: "lab1", day: "2024-05-01", ts: 0, cpu_mhz: 1500 }, ` +
      `ifNotExists: true) { applied value { cpu_mhz day } } }`, ex);
    assert.deepEqual(r.body.data.insertvitals, { applied: false, value: { cpu_mhz: 600, day: "2024-05-01" } });
    assert.match(ex.calls[0].cql, / IF NOT EXISTS$/);
    r = await gql(`mutation { insertvitals(value: { board: "lab1", cpu_mhz: 1 }) { applied } }`);
    assert.match(r.body.errors![0].message, /insert on vitals needs every primary key column in value; missing: day, ts/);
  });

  it("updates and deletes, plain, ifExists and ifCondition", async () => {
    const ex = new Recorder(() => ({ rows: [{ "[applied]": true }] }));
    const key = `board: "lab1", day: "2024-05-01", ts: 0`;
    await gql(`mutation { updatevitals(value: { ${key}, cpu_mhz: 700 }) { applied } }`, ex);
    await gql(`mutation { updatevitals(value: { ${key}, cpu_mhz: 700 }, ifExists: true) { applied } }`, ex);
    await gql(`mutation { updatevitals(value: { ${key}, cpu_mhz: 700 }, ` +
      `ifCondition: { cpu_mhz: { lt: 800, notEq: 0 } }, options: { ttl: 5 }) { applied } }`, ex);
    await gql(`mutation { deletevitals(value: { ${key} }) { applied } }`, ex);
    await gql(`mutation { deletevitals(value: { ${key} }, ifExists: true) { applied } }`, ex);
    const r = await gql(`mutation { deletevitals(value: { ${key} }, ifCondition: { temp_status: { in: ["ok"] } }) { applied value { board } } }`, ex);
    assert.deepEqual(r.body.data.deletevitals, { applied: true, value: { board: "lab1" } });
    const v = `"deskcluster"."vitals"`, where = `WHERE "board" = ? AND "day" = ? AND "ts" = ?`;
    assert.deepEqual(ex.calls.map((c) => c.cql), [
      `UPDATE ${v} SET "cpu_mhz" = ? ${where}`,
      `UPDATE ${v} SET "cpu_mhz" = ? ${where} IF EXISTS`,
      `UPDATE ${v} USING TTL ? SET "cpu_mhz" = ? ${where} IF "cpu_mhz" != ? AND "cpu_mhz" < ?`,
      `DELETE FROM ${v} ${where}`,
      `DELETE FROM ${v} ${where} IF EXISTS`,
      `DELETE FROM ${v} ${where} IF "temp_status" IN ?`,
    ]);
    assert.deepEqual(ex.calls.map((c) => c.o.serialConsistency), Array(6).fill("SERIAL"));
  });

  it("maps collections both ways", async () => {
    const ex = new Recorder(() => ({ rows: [{ tags: ["a", "b"], scores: new Map([["x", 1]]) }] }));
    const id = "fe86cad0-1965-11eb-84e6-ab660d2e8c9e";
    let r = await gql(`{ things(value: { id: "${id}", seq: 1 }) { values { tags scores { key value } } } }`, ex);
    assert.deepEqual(r.body.data.things.values, [{ tags: ["a", "b"], scores: [{ key: "x", value: 1 }] }]);
    r = await gql(`mutation { updatethings(value: { id: "${id}", seq: 1, scores: [{ key: "y", value: 2 }] }) { applied } }`, ex);
    assert.deepEqual(ex.calls[1].params[0], new Map([["y", 2]]));
  });

  it("answers malformed and oversized queries with GraphQL errors", async () => {
    let r = await gql(`{ vitals(value: { board: "a" } { values { board } } }`);
    assert.match(r.body.errors![0].message, /Syntax Error/);
    r = await gql(`{ nosuchtable { values { a } } }`);
    assert.match(r.body.errors![0].message, /Cannot query field "nosuchtable" on type "Query"/);
    r = await gql(`{ vitals(value: { board: 12 }) { values { board } } }`);
    assert.match(r.body.errors![0].message, /String cannot represent a non string value: 12/);
    r = await gql(`{ ${Array.from({ length: 600 }, (_, i) => `a${i}: conversionWarnings`).join(" ")} }`);
    assert.match(r.body.errors![0].message, /more than 500 fields/);
    r = await gql(`{ a: vitals { values { board } } ${"x".repeat(40_000)} }`);
    assert.deepEqual([r.status, r.body.errors![0].message], [400, "query is larger than 32768 bytes"]);
    r = await gql(`query Q { ...F } fragment F on Query { ...G } fragment G on Query { ...F }`);
    assert.match(r.body.errors![0].message, /Cannot spread fragment "F" within itself via "G"/);
    r = await gql(`mutation { deletevitals(value: { board: "a", day: "2024-05-01", ts: 0 }) { applied } }`, new Recorder(), undefined, "GET");
    assert.deepEqual([r.status, r.body.errors![0].message], [405, "mutations must be sent with POST"]);
  });

  it("surfaces a Cassandra error as a GraphQL error of that field", async () => {
    const ex: CqlExecutor = { execute: async () => { throw new Error("Cannot achieve consistency level LOCAL_QUORUM"); } };
    const r = await gql(`{ vitals(value: { board: "a", day: "2024-05-01" }) { values { board } } }`, ex as Recorder);
    assert.deepEqual(r.body, {
      errors: [{ message: "Cannot achieve consistency level LOCAL_QUORUM", locations: [{ line: 1, column: 3 }], path: ["vitals"] }],
      data: { vitals: null },
    });
  });
});

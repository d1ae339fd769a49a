// The latest vitals through GraphQL (health/vitalsGraphql.ts): the query text, run through the
// gateway's own schema built from the real vitals table (so it must validate and give ORDER BY
// ts DESC LIMIT 1 on the board's day partition), the answer parsed, and the errors a user sees.
import assert from "node:assert/strict";
import { Statement } from "../gateway/cqlStatements";
import { buildDmlSchema, CqlExecutor, ExecuteResult } from "../gateway/dmlSchema";
import { runGraphql } from "../gateway/graphqlRequest";
import { keyspaceModels, SchemaRows } from "../gateway/keyspaceModel";
import { defaultLimits } from "../gateway/limits";
import {
  graphqlEndpoints, graphqlSession, latestVitalsOverGraphql, latestVitalsQuery, latestVitalsVariables, parseLatestVitals,
} from "../health/vitalsGraphql";
import { healthSchemaCql, healthTable } from "../model/healthConfig";
import { stack } from "./helpers";

const inv = stack("lab");
const now = Date.UTC(2024, 4, 2, 0, 0, 5); // five seconds after midnight: today's partition may still be empty

/** system_schema rows of the table healthSchemaCql creates, so the test follows the real schema. */
function vitalsSchemaRows(): SchemaRows {
  const create = healthSchemaCql(inv).find((s) => s.includes("CREATE TABLE"))!;
  const defs = create.slice(create.indexOf("(") + 1, create.indexOf("PRIMARY KEY")).split(",").map((d) => d.trim().split(" ")).filter((d) => d[0]);
  const kind = (c: string) => (c === "board" || c === "day" ? "partition_key" : c === "ts" ? "clustering" : "regular");
  return {
    keyspaces: [{ keyspace_name: "deskcluster", replication: {} }], tables: [{ keyspace_name: "deskcluster", table_name: healthTable }], indexes: [],
    columns: defs.map(([name, type]) => ({
      keyspace_name: "deskcluster", table_name: healthTable, column_name: name, kind: kind(name), type,
      position: name === "day" ? 1 : kind(name) === "regular" ? -1 : 0, clustering_order: name === "ts" ? "desc" : "none",
    })),
  };
}

/** Stands in for Cassandra: yesterday's partition of lab1 holds one row, everything else is empty. */
class Ring implements CqlExecutor {
  readonly cql: string[] = [];
  async execute(s: Statement): Promise<ExecuteResult> {
    this.cql.push(s.cql);
    const [board, day] = s.params.map(String);
    if (board !== "lab1" || day !== "2024-05-01") return { rows: [] };
    return { rows: [{ board, ts: new Date(now - 7000), cpu_percent: 12.5, mem_available_kb: 3_000_000, temp_status: "ok", cpu_mhz: 1500 }] };
  }
}

/** fetch against an in-process gateway on the lab's gateway board; `down` boards refuse connections. */
function fakeFetch(ring: Ring, down: string[] = []): typeof fetch {
  const schema = buildDmlSchema(keyspaceModels(vitalsSchemaRows()).get("deskcluster")!).schema;
  return (async (input: string, init: RequestInit) => {
    const url = new URL(input);
    if (down.includes(url.hostname)) throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const body = JSON.parse(String(init.body));
    const answer = url.pathname === "/v1/auth"
      ? { status: 201, body: { authToken: "00000000-0000-4000-8000-000000000001" } }
      : await runGraphql(schema, body, { executor: ring, maxPageSize: 1000 }, defaultLimits, "POST");
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
}

describe("latest vitals through GraphQL", () => {
  it("names the lab's gateway board, then any Stargate board", () => {
    assert.deepEqual(graphqlEndpoints(inv), [{ board: "lab4", auth: "http://172.30.77.14:8081/v1/auth", graphql: "http://172.30.77.14:8080/graphql" }]);
    // dev runs both on pi-w5: the gateway on its own ports first, Stargate's on 8081 after it.
    assert.deepEqual(graphqlEndpoints(stack("dev")).map((e) => e.auth),
      ["http://192.168.50.24:8181/v1/auth", "http://192.168.50.25:8181/v1/auth", "http://192.168.50.25:8081/v1/auth"]);
    const none = stack("lab", (raw) => { delete raw.services.gateway; });
    assert.deepEqual(graphqlEndpoints(none), []);
  });

  it("asks each day partition for its newest row, board and days as variables", () => {
    const q = latestVitalsQuery("vitals");
    assert.match(q, /today: vitals\(value: \{ board: \$board, day: \$today \}, orderBy: \[ts_DESC\], options: \{ limit: 1 \}\)/);
    assert.match(q, /yesterday: vitals\(value: \{ board: \$board, day: \$yesterday \}, orderBy: \[ts_DESC\], options: \{ limit: 1 \}\)/);
    assert.deepEqual(latestVitalsVariables("lab1", now), { board: "lab1", today: "2024-05-02", yesterday: "2024-05-01" });
  });

  it("runs on the gateway's schema of the real table as ORDER BY ts DESC LIMIT 1, and finds yesterday's row", async () => {
    const ring = new Ring();
    const f = fakeFetch(ring);
    const s = await graphqlSession(inv, "pw", f);
    const rows = await latestVitalsOverGraphql(s, "deskcluster", healthTable, ["lab1", "lab2"], now, f);
    assert.equal(ring.cql.length, 4);
    for (const cql of ring.cql) assert.match(cql, /FROM "deskcluster"\."vitals" WHERE "board" = \? AND "day" = \? ORDER BY "ts" DESC LIMIT \?$/);
    assert.deepEqual(rows.get("lab1"), {
      board: "lab1", day: null, ts: new Date(now - 7000), cpu_percent: 12.5, cpu_temp_c: null, temp_status: "ok", mem_free_kb: null,
      mem_available_kb: "3000000", mem_total_kb: null, cpu_mhz: 1500, load1: null, load5: null, load15: null, disk_used_bytes: null, disk_total_bytes: null,
    });
    assert.equal(rows.get("lab2"), undefined);
  });

  it("parses: today's row before yesterday's; GraphQL errors and odd answers throw", () => {
    const values = (ts?: string) => ({ values: ts ? [{ board: "lab1", ts }] : [] });
    const both = parseLatestVitals({ data: { today: values("2024-05-02T00:00:01Z"), yesterday: values("2024-05-01T23:59:59Z") } });
    assert.deepEqual(both, { board: "lab1", ts: new Date("2024-05-02T00:00:01Z") });
    assert.equal(parseLatestVitals({ data: { today: values(), yesterday: values() } }), undefined);
    assert.throws(() => parseLatestVitals({ errors: [{ message: "Unknown keyspace 'deskcluster'" }] }),
      /^Error: GraphQL errors: Unknown keyspace 'deskcluster'$/);
    assert.throws(() => parseLatestVitals({ data: { today: values() } }), /unexpected answer/);
    assert.throws(() => parseLatestVitals({ data: { today: values("yesterday"), yesterday: values() } }), /unexpected ts "yesterday"/);
  });

  it("says which board and gateway failed: a GraphQL error, an unreachable gateway, no gateway at all", async () => {
    const f = fakeFetch(new Ring());
    const s = await graphqlSession(inv, "pw", f);
    await assert.rejects(latestVitalsOverGraphql(s, "deskcluster", "no_such_table", ["lab3"], now, f),
      new RegExp(`^Error: board lab3: http://172\\.30\\.77\\.14:8080/graphql/deskcluster \\(gateway on lab4\\): `
        + `GraphQL errors: Cannot query field "no_such_table" on type "Query"\\.$`));
    await assert.rejects(graphqlSession(inv, "pw", fakeFetch(new Ring(), ["172.30.77.14"])),
      /^Error: no GraphQL gateway answered \/v1\/auth: lab4 at http:\/\/172\.30\.77\.14:8081\/v1\/auth: not reachable: ECONNREFUSED$/);
    await assert.rejects(graphqlSession(stack("lab", (raw) => { delete raw.services.gateway; }), "pw", f), /no graphql-gateway board/);
  });
});

// Auth the way Stargate's table-based auth behaves: a token for good credentials only, the same
// refusal for an unknown user and a wrong password, tokens shared through the store (any replica
// honours them), refreshed on use and gone after the TTL without use. And the HTTP answers.
import assert from "node:assert/strict";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { Authenticator, badCredentialsMessage, invalidTokenMessage, missingTokenMessage, TokenStore } from "../gateway/auth";
import { SchemaCache } from "../gateway/schemaCache";
import { createHandler } from "../gateway/server";
import { defaultLimits } from "../gateway/limits";
import { schemaRows } from "./gatewayFixtures";

/** Tokens with a TTL on a fake clock: what the Cassandra table does. */
class MemoryStore implements TokenStore {
  readonly rows = new Map<string, { username: string; expires: number }>();
  saves = 0; finds = 0;
  constructor(private readonly clock: { now: number }) {}
  async save(token: string, username: string, ttl: number) { this.saves++; this.rows.set(token, { username, expires: this.clock.now + ttl * 1000 }); }
  async find(token: string) {
    this.finds++;
    const r = this.rows.get(token);
    return r && r.expires > this.clock.now ? r.username : undefined;
  }
}

const users: Record<string, string> = { cassandra: "s3cret" };
const check = async (u: string, p: string) => users[u] === p;

describe("gateway: auth tokens", () => {
  it("gives a token for good credentials only, and refuses an unknown user exactly like a wrong password", async () => {
    const clock = { now: 0 };
    const a = new Authenticator(new MemoryStore(clock), check, { now: () => clock.now });
    assert.match((await a.login("cassandra", "s3cret"))!, /^[0-9a-f-]{36}$/);
    assert.equal(await a.login("cassandra", "wrong"), undefined);
    assert.equal(await a.login("nobody", "wrong"), undefined);
  });

  it("honours a token issued by another replica, refreshes the TTL on use, and expires it after 1800 s idle", async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const replica1 = new Authenticator(store, check, { now: () => clock.now });
    const replica2 = new Authenticator(store, check, { now: () => clock.now });
    const token = (await replica1.login("cassandra", "s3cret"))!;
    clock.now += 1700_000;
    assert.equal(await replica2.authenticate(token), "cassandra");
    clock.now += 1700_000; // 3400 s after login, 1700 s after the last use
    assert.equal(await replica1.authenticate(token), "cassandra", "use refreshed the TTL");
    clock.now += 1801_000;
    assert.equal(await replica2.authenticate(token), undefined);
    assert.equal(await replica2.authenticate("not-a-token"), undefined);
  });

  it("trusts a token seen within the last minute without asking the store again", async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const a = new Authenticator(store, check, { now: () => clock.now });
    const token = (await a.login("cassandra", "s3cret"))!;
    for (let i = 0; i < 10; i++) { clock.now += 1000; await a.authenticate(token); }
    assert.deepEqual([store.finds, store.saves], [0, 1]);
    clock.now += 60_000;
    await a.authenticate(token);
    assert.deepEqual([store.finds, store.saves], [1, 2]);
  });
});

describe("gateway: HTTP answers", () => {
  let server: Server, base = "";
  const clock = { now: 0 };
  const executor = { execute: async () => ({ rows: [] }) };
  before(async () => {
    const cache = new SchemaCache(async () => schemaRows);
    await cache.refresh();
    const handler = createHandler({
      authenticator: new Authenticator(new MemoryStore(clock), check, { now: () => clock.now }), cache, executor, limits: defaultLimits,
      dashboard: { get: (n) => (n === "index.html" ? { type: "text/html", body: Buffer.from("<html>") } : undefined) }, log: () => undefined,
    });
    server = createServer(handler).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("POST /v1/auth: 201 with authToken, 401 with one message for both kinds of bad login, 400 without a password", async () => {
    let r = await post("/v1/auth", { username: "cassandra", password: "s3cret" });
    assert.equal(r.status, 201);
    assert.match(((await r.json()) as any).authToken, /^[0-9a-f-]{36}$/);
    for (const username of ["cassandra", "nobody"]) {
      r = await post("/v1/auth", { username, password: "bad" });
      assert.deepEqual([r.status, await r.json()], [401, { description: badCredentialsMessage, code: 401 }]);
    }
    r = await post("/v1/auth", { username: "cassandra" });
    assert.deepEqual([r.status, ((await r.json()) as any).description], [400, "Must provide password in request"]);
  });

  it("401 with Stargate's message without a token or with an unknown one; data with a good one, by GET and POST", async () => {
    let r = await post("/graphql/deskcluster", { query: "{ conversionWarnings }" });
    assert.deepEqual([r.status, await r.json()], [401, { description: missingTokenMessage, code: 401 }]);
    r = await post("/graphql/deskcluster", { query: "{ conversionWarnings }" }, { "x-cassandra-token": "3f1c8a2e-0000-4000-8000-000000000000" });
    assert.deepEqual([r.status, ((await r.json()) as any).description], [401, invalidTokenMessage]);
    const token = ((await (await post("/v1/auth", { username: "cassandra", password: "s3cret" })).json()) as any).authToken;
    r = await post("/graphql/deskcluster", { query: "query W { conversionWarnings }", operationName: "W" }, { "x-cassandra-token": token });
    assert.deepEqual([r.status, await r.json()], [200, { data: { conversionWarnings: ["Table Query mapped as Querx79_",
      "Could not create types for column pos in table things, skipping (tuple columns are not supported by this gateway)"] } }]);
    r = await fetch(`${base}/graphql/deskcluster?query=${encodeURIComponent("{ vitals(value: {board: \"a\", day: \"2024-05-01\"}) { values { board } } }")}`,
      { headers: { "x-cassandra-token": token } });
    assert.deepEqual(await r.json(), { data: { vitals: { values: [] } } });
    r = await fetch(`${base}/graphql-schema?query=${encodeURIComponent("{ keyspaces { name dcs { name replicas } tables { name } } }")}`,
      { headers: { "x-cassandra-token": token } });
    assert.deepEqual(await r.json(), {
      data: { keyspaces: [{ name: "deskcluster", dcs: [{ name: "lab1", replicas: 3 }], tables: [{ name: "Query" }, { name: "things" }, { name: "vitals" }] }] },
    });
    r = await post("/graphql/nosuch", { query: "{ conversionWarnings }" }, { "x-cassandra-token": token });
    assert.deepEqual([r.status, await r.json()], [404, { errors: [{ message: "Unknown keyspace 'nosuch'" }] }]);
    r = await post("/graphql/%3Cscript%3E", { query: "{ a }" }, { "x-cassandra-token": token });
    assert.deepEqual([r.status, await r.json()], [400, { errors: [{ message: "Invalid keyspace name" }] }]);
    r = await fetch(`${base}/graphql/deskcluster`, {
      method: "POST", headers: { "content-type": "application/json", "x-cassandra-token": token }, body: "{not json",
    });
    assert.deepEqual([r.status, await r.json()], [400, { errors: [{ message: "the body is not valid JSON" }] }]);
    r = await fetch(`${base}/graphql/deskcluster`, {
      method: "POST", headers: { "content-type": "application/graphql", "x-cassandra-token": token }, body: "{ conversionWarnings }",
    });
    assert.equal(r.status, 200);
    r = await fetch(`${base}/graphql/deskcluster`, {
      method: "POST", headers: { "content-type": "application/json", "x-cassandra-token": token }, body: "x".repeat(200_000),
    });
    assert.equal(r.status, 413);
  });

  it("serves the dashboard and readiness", async () => {
    assert.equal((await fetch(`${base}/dashboard/`)).status, 200);
    assert.equal((await fetch(`${base}/checker/readiness`)).status, 200);
    assert.equal((await fetch(`${base}/dashboard/../../etc/passwd`)).status, 404);
  });
});

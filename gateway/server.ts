// The gateway's HTTP routes (Node's http): Stargate's /v1/auth, /graphql/<keyspace> and
// /graphql-schema, readiness at /checker/readiness, and the health dashboard under /dashboard/.
import { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLSchema } from "graphql";
import { Authenticator, badCredentialsMessage, invalidTokenMessage, missingTokenMessage } from "./auth";
import { DashboardAssets } from "./dashboardAssets";
import { buildDdlSchema } from "./ddlSchema";
import { CqlExecutor, GatewayContext } from "./dmlSchema";
import { graphqlError, HttpAnswer, requestParams, runGraphql } from "./graphqlRequest";
import { RequestLimits } from "./limits";
import { SchemaCache } from "./schemaCache";

export interface GatewayDeps {
  readonly authenticator: Authenticator;
  readonly cache: SchemaCache;
  readonly executor: CqlExecutor;
  readonly limits: RequestLimits;
  readonly dashboard: DashboardAssets;
  readonly log: (line: string) => void;
}

const keyspacePattern = /^\w+$/;
/** A request for a name not in the cache reloads system_schema at most this often. */
const unknownNameRefreshMs = 1000;

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // Answer at once but let the rest drain: a reset connection would hide the 413 from the client.
      if (size > max) { req.removeAllListeners("data"); req.resume(); reject(new TooLarge()); return; }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, a: HttpAnswer): void {
  const body = JSON.stringify(a.body);
  res.writeHead(a.status, {
    "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store",
    ...(a.status === 413 ? { connection: "close" } : {}),
  });
  res.end(body);
}

const stargateError = (status: number, description: string): HttpAnswer => ({ status, body: { description, code: status } });

const unknownField = (a: HttpAnswer): boolean =>
  JSON.stringify(a.body).includes("Cannot query field") || JSON.stringify(a.body).includes("Unknown type");

export function createHandler(deps: GatewayDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const ddl = buildDdlSchema();
  const context: GatewayContext = { executor: deps.executor, maxPageSize: deps.limits.maxPageSize };
  const bodyLimit = deps.limits.maxQueryBytes * 4;

  async function authorized(req: IncomingMessage): Promise<HttpAnswer | undefined> {
    const token = req.headers["x-cassandra-token"];
    if (typeof token !== "string" || token === "") return stargateError(401, missingTokenMessage);
    return (await deps.authenticator.authenticate(token)) === undefined ? stargateError(401, invalidTokenMessage) : undefined;
  }

  async function graphql(
    req: IncomingMessage, url: URL, schemaOf: () => GraphQLSchema | undefined, ctx: unknown, retry: () => Promise<boolean>,
  ): Promise<HttpAnswer> {
    const body = req.method === "POST" ? await readBody(req, bodyLimit) : "";
    const p = requestParams(req.method ?? "GET", url, String(req.headers["content-type"] ?? ""), body);
    if ("status" in p) return p;
    let schema = schemaOf();
    if (!schema) return graphqlError(404, "not found");
    let a = await runGraphql(schema, p, ctx, deps.limits, req.method ?? "GET");
    // A table created a moment ago: reload the schema once and try again.
    if (unknownField(a) && (await retry()) && (schema = schemaOf())) a = await runGraphql(schema, p, ctx, deps.limits, req.method ?? "GET");
    return a;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://gateway");
    const path = url.pathname;
    if (path === "/checker/readiness" || path === "/checker/liveness") {
      const ok = path === "/checker/liveness" || deps.cache.ready;
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "READY" : "NOT READY");
      return;
    }
    if (path === "/v1/auth") {
      if (req.method !== "POST") return send(res, stargateError(405, "use POST"));
      let creds: { username?: unknown; password?: unknown };
      try { creds = JSON.parse(await readBody(req, 4096)); } catch (e) {
        return send(res, e instanceof TooLarge ? stargateError(413, "body too large") : stargateError(400, "Must provide a body to the request"));
      }
      if (typeof creds?.username !== "string" || creds.username === "") return send(res, stargateError(400, "Must provide username in request"));
      if (typeof creds.password !== "string" || creds.password === "") return send(res, stargateError(400, "Must provide password in request"));
      const token = await deps.authenticator.login(creds.username, creds.password);
      return send(res, token === undefined ? stargateError(401, badCredentialsMessage) : { status: 201, body: { authToken: token } });
    }
    const dml = /^\/graphql\/([^/]+)\/?$/.exec(path);
    if (dml || path === "/graphql-schema") {
      const denied = await authorized(req);
      if (denied) return send(res, denied);
      if (!dml) return send(res, await graphql(req, url, () => ddl, { keyspaces: () => deps.cache.keyspaces() }, () => Promise.resolve(false)));
      const ks = decodeURIComponent(dml[1]);
      // Not reflected back: the name may be an attempt at script injection.
      if (!keyspacePattern.test(ks)) return send(res, graphqlError(400, "Invalid keyspace name"));
      if (!deps.cache.dml(ks)) await deps.cache.refreshIfOlder(unknownNameRefreshMs);
      if (!deps.cache.dml(ks)) return send(res, graphqlError(404, `Unknown keyspace '${ks}'`));
      return send(res, await graphql(req, url, () => deps.cache.dml(ks)?.schema, context, () => deps.cache.refreshIfOlder(unknownNameRefreshMs)));
    }
    if (path === "/" || path === "/dashboard") { res.writeHead(302, { location: "/dashboard/" }).end(); return; }
    if (path.startsWith("/dashboard/")) {
      const asset = deps.dashboard.get(path.slice("/dashboard/".length) || "index.html");
      if (!asset) return send(res, graphqlError(404, "not found"));
      res.writeHead(200, { "content-type": asset.type, "content-length": asset.body.length, "cache-control": "no-cache" }).end(asset.body);
      return;
    }
    send(res, graphqlError(404, "not found"));
  }

  return (req, res) => {
    route(req, res).catch((e: unknown) => {
      if (e instanceof TooLarge) return send(res, graphqlError(413, `request body larger than ${bodyLimit} bytes`));
      deps.log(`gateway: ${req.method} ${req.url?.split("?")[0]}: ${(e as Error).message}`);
      if (!res.headersSent) send(res, graphqlError(500, `internal error: ${(e as Error).message}`));
      else res.destroy();
    });
  };
}

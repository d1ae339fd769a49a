// The latest vitals per board read through Stargate's CQL-first GraphQL API (deskcluster's
// gateway, or Stargate where a desk runs it): what `npm run health` and the lab summary show.
// The table's partition key is (board, day), so each board is one request asking for today's
// and yesterday's partition (two aliased fields, ts DESC, limit 1): right after midnight UTC
// today's partition is still empty and the board's last row is yesterday's.
import { gatewayBoards, gatewayPorts } from "../model/gatewayConfig";
import { Inventory } from "../model/inventory";
import { hostAddress } from "../model/network";
import { boardsWithRole, byName } from "../model/placement";
import { stargatePorts } from "../model/stargateConfig";
import { VitalsRow } from "./latestVitals";
import { dayOf } from "./record";
import { vitalsColumns } from "./vitalsRow";

/** A board serving the API: its auth URL and GraphQL base (/graphql/<keyspace> below it). */
export interface GraphqlEndpoint { readonly board: string; readonly auth: string; readonly graphql: string }
export interface GraphqlSession { readonly endpoint: GraphqlEndpoint; readonly token: string }
type Fetch = typeof fetch;

/** The gateway's boards first, then Stargate's (the same API, Stargate's fixed ports). */
export function graphqlEndpoints(inv: Inventory): GraphqlEndpoint[] {
  const at = (b: { name: string }, address: string, p: { graphql: number; auth: number }) =>
    ({ board: b.name, auth: `http://${address}:${p.auth}/v1/auth`, graphql: `http://${address}:${p.graphql}/graphql` });
  const gw = gatewayBoards(inv).map((b) => at(b, hostAddress(b), gatewayPorts(inv)));
  const sg = inv.services.stargate ? boardsWithRole(inv, "stargate").sort(byName).map((b) => at(b, hostAddress(b), stargatePorts)) : [];
  return [...gw, ...sg];
}

/** One document for every board; the board and days go in variables, never into the text. */
export function latestVitalsQuery(table: string): string {
  const field = (alias: string, day: string) =>
    `${alias}: ${table}(value: { board: $board, day: ${day} }, orderBy: [ts_DESC], options: { limit: 1 }) { values { ${vitalsColumns.join(" ")} } }`;
  return `query LatestVitals($board: String!, $today: Date!, $yesterday: Date!) {\n  ${field("today", "$today")}\n  ${field("yesterday", "$yesterday")}\n}`;
}

export function latestVitalsVariables(board: string, now: number): { board: string; today: string; yesterday: string } {
  return { board, today: dayOf(now), yesterday: dayOf(now - 86_400_000) };
}

// Each of the two aliased fields reports the same problem: say it once.
const messages = (errors: unknown): string =>
  [...new Set((Array.isArray(errors) ? errors : [errors]).map((e) => String((e as { message?: unknown })?.message ?? JSON.stringify(e))))].join("; ");

/** A GraphQL answer to latestVitalsQuery: the newest row, undefined if both days are empty; errors throw. */
export function parseLatestVitals(body: unknown): VitalsRow | undefined {
  const b = body as { data?: Record<string, { values?: unknown } | null> | null; errors?: unknown };
  if (b?.errors) throw new Error(`GraphQL errors: ${messages(b.errors)}`);
  const lists = ["today", "yesterday"].map((k) => b?.data?.[k]?.values);
  if (!lists.every(Array.isArray)) throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 300)}`);
  const row = (lists as Record<string, unknown>[][]).flat()[0];
  if (!row) return undefined;
  // Stargate sends timestamps as ISO text; the table printer (like cassandra-driver) wants a Date.
  const ts = new Date(String(row.ts));
  if (Number.isNaN(ts.getTime())) throw new Error(`unexpected ts ${JSON.stringify(row.ts)}`);
  return { ...row, ts } as VitalsRow;
}

async function post(url: string, body: unknown, headers: Record<string, string>, f: Fetch): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await f(url, {
      method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause.
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new Error(`not reachable: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  const text = await res.text();
  try { return { status: res.status, body: JSON.parse(text) }; } catch {
    throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : " with no body"}`);
  }
}

/** A token from the first endpoint that gives one; every failure is named when none does. */
export async function graphqlSession(inv: Inventory, password: string, f: Fetch = fetch): Promise<GraphqlSession> {
  const endpoints = graphqlEndpoints(inv);
  if (endpoints.length === 0) {
    throw new Error("no board serves GraphQL: the inventory has no graphql-gateway board (services.gateway) and no stargate board");
  }
  const failures: string[] = [];
  for (const endpoint of endpoints) {
    try {
      const r = await post(endpoint.auth, { username: "cassandra", password }, {}, f);
      const token = (r.body as { authToken?: unknown })?.authToken;
      if (r.status < 300 && typeof token === "string") return { endpoint, token };
      failures.push(`${endpoint.board} at ${endpoint.auth}: HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
    } catch (err) { failures.push(`${endpoint.board} at ${endpoint.auth}: ${(err as Error).message}`); }
  }
  throw new Error(`no GraphQL gateway answered /v1/auth: ${failures.join("; ")}`);
}

/** The latest row of each board through the session's endpoint, one request per board. */
export async function latestVitalsOverGraphql(
  s: GraphqlSession, keyspace: string, table: string, boards: readonly string[], now = Date.now(), f: Fetch = fetch,
): Promise<Map<string, VitalsRow | undefined>> {
  const url = `${s.endpoint.graphql}/${keyspace}`;
  const query = latestVitalsQuery(table);
  const out = new Map<string, VitalsRow | undefined>();
  for (const board of boards) {
    try {
      const r = await post(url, { query, variables: latestVitalsVariables(board, now) }, { "x-cassandra-token": s.token }, f);
      if (r.status >= 300 && !(r.body as { errors?: unknown })?.errors) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
      out.set(board, parseLatestVitals(r.body));
    } catch (err) {
      throw new Error(`board ${board}: ${url} (gateway on ${s.endpoint.board}): ${(err as Error).message}`);
    }
  }
  return out;
}

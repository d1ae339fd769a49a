// Stargate: a token from the auth API, then the GraphQL API reads the row the Cassandra
// check wrote (cql-first schema: one query field per table).
import { stargatePorts } from "../../model/stargateConfig";

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, {
    method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

export async function stargateToken(address: string, password: string): Promise<string> {
  const r = await post(`http://${address}:${stargatePorts.auth}/v1/auth`, { username: "cassandra", password });
  return r.authToken as string;
}

/** Runs a query on a keyspace's GraphQL endpoint; GraphQL errors become exceptions. */
export async function graphqlQuery(address: string, token: string, keyspace: string, query: string): Promise<any> {
  const r = await post(`http://${address}:${stargatePorts.graphql}/graphql/${keyspace}`, { query }, { "x-cassandra-token": token });
  if (r.errors) throw new Error(`GraphQL: ${JSON.stringify(r.errors).slice(0, 300)}`);
  return r.data;
}

/** The value GraphQL returns for `k` in keyspace.table, or undefined. */
export async function graphqlRead(address: string, token: string, keyspace: string, table: string, k: string): Promise<string | undefined> {
  const data = await graphqlQuery(address, token, keyspace, `query { ${table}(value: { k: ${JSON.stringify(k)} }) { values { k v } } }`);
  return data?.[table]?.values?.[0]?.v;
}

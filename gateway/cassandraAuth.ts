// The Cassandra side of auth: the token table (Stargate's data_endpoint_auth.token) and the
// login check, which connects to the ring as that user so Cassandra itself judges the password.
import { auth, Client, errors, types } from "cassandra-driver";
import { CredentialsCheck, TokenStore } from "./auth";

export const tokenKeyspace = "data_endpoint_auth";
// "token" is a CQL keyword: always quoted.
export const tokenTable = `"token"`;

export function tokenSchemaCql(datacenter: string, replication: number, ttlSeconds: number): string[] {
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${tokenKeyspace} WITH replication = {'class': 'NetworkTopologyStrategy', '${datacenter}': ${replication}};`,
    `CREATE TABLE IF NOT EXISTS ${tokenKeyspace}.${tokenTable} (auth_token uuid PRIMARY KEY, username text, created_timestamp int) ` +
      `WITH default_time_to_live = ${ttlSeconds};`,
  ];
}

export class CassandraTokenStore implements TokenStore {
  constructor(private readonly client: Client) {}

  async save(token: string, username: string, ttlSeconds: number): Promise<void> {
    await this.client.execute(
      `INSERT INTO ${tokenKeyspace}.${tokenTable} (auth_token, username, created_timestamp) VALUES (?, ?, ?) USING TTL ?`,
      [types.Uuid.fromString(token), username, Math.floor(Date.now() / 1000), ttlSeconds],
      { prepare: true, consistency: types.consistencies.localQuorum },
    );
  }

  async find(token: string): Promise<string | undefined> {
    const rs = await this.client.execute(`SELECT username FROM ${tokenKeyspace}.${tokenTable} WHERE auth_token = ?`,
      [types.Uuid.fromString(token)], { prepare: true, consistency: types.consistencies.localQuorum });
    return rs.first()?.get("username") ?? undefined;
  }
}

/** Creates the token table when it is missing (the deployment normally did it already). */
export async function ensureTokenTable(client: Client, datacenter: string, replication: number, ttlSeconds: number): Promise<void> {
  const rs = await client.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?", [tokenKeyspace, "token"]);
  if (rs.rowLength > 0) return;
  for (const cql of tokenSchemaCql(datacenter, replication, ttlSeconds)) await client.execute(cql);
}

const isAuthFailure = (e: unknown): boolean => {
  if (e instanceof errors.AuthenticationError) return true;
  const inner = (e as { innerErrors?: Record<string, unknown> }).innerErrors;
  return inner !== undefined && Object.values(inner).length > 0 && Object.values(inner).every((x) => x instanceof errors.AuthenticationError);
};

export function cassandraCredentialsCheck(contactPoints: readonly string[], localDataCenter: string, port: number): CredentialsCheck {
  return async (username, password) => {
    const c = new Client({
      contactPoints: [...contactPoints], localDataCenter, protocolOptions: { port },
      authProvider: new auth.PlainTextAuthProvider(username, password),
      isMetadataSyncEnabled: false, pooling: { coreConnectionsPerHost: { [types.distance.local]: 1, [types.distance.remote]: 0 } },
      socketOptions: { connectTimeout: 5000 },
    });
    try {
      await c.connect();
      return true;
    } catch (e) {
      if (isAuthFailure(e)) return false;
      throw e;
    } finally {
      await c.shutdown().catch(() => undefined);
    }
  };
}


// The gateway process: connects to the ring as its service role, keeps the schema cache fresh,
// and serves the same routes on every configured port (Stargate's GraphQL and auth ports).
import { createServer } from "node:http";
import { auth, Client } from "cassandra-driver";
import { Authenticator, tokenTtlSeconds } from "./auth";
import { cassandraCredentialsCheck, CassandraTokenStore, ensureTokenTable } from "./cassandraAuth";
import { CassandraExecutor, readSchemaRows } from "./cassandraExecutor";
import { dashboardAssets } from "./dashboardAssets";
import { SchemaCache } from "./schemaCache";
import { createHandler } from "./server";
import { gatewaySettings } from "./settings";

const log = (line: string): void => { process.stderr.write(`${new Date().toISOString()} ${line}\n`); };

async function main(): Promise<void> {
  const s = gatewaySettings(process.env);
  const client = new Client({
    contactPoints: s.contactPoints, localDataCenter: s.datacenter, protocolOptions: { port: s.cqlPort },
    authProvider: new auth.PlainTextAuthProvider(s.user, s.password),
    // Maps keep their key types (a map<int, text> key stays a number).
    encoding: { map: Map, useUndefinedAsUnset: true },
  });
  const cache = new SchemaCache(() => readSchemaRows(client));
  const handler = createHandler({
    authenticator: new Authenticator(new CassandraTokenStore(client), cassandraCredentialsCheck(s.contactPoints, s.datacenter, s.cqlPort)),
    cache, executor: new CassandraExecutor(client), limits: s.limits, dashboard: dashboardAssets(s.dashboard), log,
  });
  const servers = s.ports.map((port) => createServer(handler).listen(port, s.bind, () => log(`gateway: listening on ${s.bind}:${port}`)));
  // Cassandra may still be starting: keep trying, and answer "not ready" until it is there.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect();
      await ensureTokenTable(client, s.datacenter, Math.min(s.tokenReplication, s.contactPoints.length || 1), tokenTtlSeconds);
      await cache.refresh();
      break;
    } catch (e) {
      log(`gateway: Cassandra not ready (attempt ${attempt}): ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * attempt)));
    }
  }
  log(`gateway: ready, ${cache.keyspaces().size} keyspaces`);
  cache.start(s.schemaRefreshMs, (e) => log(`gateway: schema refresh failed: ${(e as Error).message}`));
  const stop = () => {
    log("gateway: stopping");
    cache.stop();
    for (const srv of servers) srv.close();
    client.shutdown().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((e: unknown) => { log(`gateway: ${(e as Error).stack ?? e}`); process.exit(1); });

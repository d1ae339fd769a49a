// Runs the gateway's statements through cassandra-driver: prepared, bound, at the request's
// consistency, one page at a time; and reads system_schema for the schema cache.
import { Client, types } from "cassandra-driver";
import { Statement } from "./cqlStatements";
import { CqlExecutor, ExecuteOptions, ExecuteResult } from "./dmlSchema";
import { SchemaRows } from "./keyspaceModel";

const consistency = (name: string): number => {
  const key = name.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof typeof types.consistencies;
  const v = types.consistencies[key];
  if (v === undefined) throw new Error(`unknown consistency ${name}`);
  return v;
};

export class CassandraExecutor implements CqlExecutor {
  constructor(private readonly client: Client) {}

  async execute(s: Statement, o: ExecuteOptions): Promise<ExecuteResult> {
    const rs = await this.client.execute(s.cql, s.params, {
      prepare: true, consistency: consistency(o.consistency),
      serialConsistency: o.serialConsistency ? consistency(o.serialConsistency) : undefined,
      fetchSize: o.pageSize, pageState: o.pageState, autoPage: false,
    });
    // Writes without a condition answer no rows at all.
    const rows = (rs.rows ?? []).map((r) => Object.fromEntries(r.keys().map((k) => [k, r.get(k)])));
    return { rows, pageState: rs.pageState ? Buffer.from(rs.pageState, "hex") : undefined };
  }
}

export async function readSchemaRows(client: Client): Promise<SchemaRows> {
  // The client decodes CQL maps as Map (see main.ts); the model wants plain objects.
  const plain = (v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v);
  const q = async (cql: string) => (await client.execute(cql, [], { consistency: types.consistencies.localOne, fetchSize: 10_000 })).rows
    .map((r) => Object.fromEntries(r.keys().map((k) => [k, plain(r.get(k))]))) as never[];
  const [keyspaces, tables, columns, indexes] = await Promise.all([
    q("SELECT keyspace_name, replication FROM system_schema.keyspaces"),
    q("SELECT keyspace_name, table_name FROM system_schema.tables"),
    q("SELECT keyspace_name, table_name, column_name, kind, position, clustering_order, type FROM system_schema.columns"),
    q("SELECT keyspace_name, table_name, options FROM system_schema.indexes"),
  ]);
  return { keyspaces, tables, columns, indexes };
}

// What the gateway knows of a keyspace, read from system_schema: tables, their columns in
// primary-key order, and which columns carry a secondary index. Pure: built from the rows.
import { CqlType, parseCqlType } from "./cqlType";

export type ColumnKind = "partition_key" | "clustering" | "regular" | "static";

export interface ColumnModel {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly position: number;
  readonly order: "asc" | "desc" | "none";
  readonly typeText: string;
  readonly type: CqlType;
}

export interface TableModel {
  readonly keyspace: string;
  readonly name: string;
  /** Partition key, clustering columns, then the others: Stargate's field order. */
  readonly columns: readonly ColumnModel[];
  /** Index targets by column: "values" for a plain column or values(c), else "keys", "entries", "full". */
  readonly indexes: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface KeyspaceModel {
  readonly name: string;
  readonly replication: Record<string, string>;
  readonly tables: readonly TableModel[];
}

export interface SchemaRows {
  readonly keyspaces: readonly { keyspace_name: string; replication?: Record<string, string> }[];
  readonly columns: readonly {
    keyspace_name: string; table_name: string; column_name: string; kind: string; position: number; clustering_order: string; type: string;
  }[];
  readonly indexes: readonly { keyspace_name: string; table_name: string; options: Record<string, string> }[];
  readonly tables: readonly { keyspace_name: string; table_name: string }[];
}

/** Keyspaces of Cassandra itself, and Stargate's and this gateway's own: not served as data. */
export const systemKeyspaces = new Set([
  "system", "system_auth", "system_distributed", "system_schema", "system_traces", "system_views", "system_virtual_schema",
  "data_endpoint_auth", "stargate_graphql",
]);

const kindRank: Record<ColumnKind, number> = { partition_key: 0, clustering: 1, regular: 2, static: 3 };

export function indexTarget(target: string): { column: string; on: string } {
  const m = /^(keys|values|entries|full)\((.+)\)$/.exec(target);
  const unquote = (s: string) => s.replace(/^"(.*)"$/, "$1").replace(/""/g, '"');
  return m ? { column: unquote(m[2]), on: m[1] } : { column: unquote(target), on: "values" };
}

export function keyspaceModels(rows: SchemaRows): Map<string, KeyspaceModel> {
  const out = new Map<string, KeyspaceModel>();
  for (const ks of rows.keyspaces) {
    if (systemKeyspaces.has(ks.keyspace_name)) continue;
    const tables = rows.tables.filter((t) => t.keyspace_name === ks.keyspace_name).map((t): TableModel => {
      const columns = rows.columns
        .filter((c) => c.keyspace_name === ks.keyspace_name && c.table_name === t.table_name)
        .map((c): ColumnModel => ({
          name: c.column_name, kind: c.kind as ColumnKind, position: c.position,
          order: (c.clustering_order as ColumnModel["order"]) ?? "none", typeText: c.type, type: parseCqlType(c.type),
        }))
        .sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || a.position - b.position || a.name.localeCompare(b.name));
      const indexes = new Map<string, Set<string>>();
      for (const ix of rows.indexes.filter((i) => i.keyspace_name === ks.keyspace_name && i.table_name === t.table_name)) {
        const { column, on } = indexTarget(ix.options.target ?? "");
        indexes.set(column, new Set([...(indexes.get(column) ?? []), on]));
      }
      return { keyspace: ks.keyspace_name, name: t.table_name, columns, indexes };
    }).sort((a, b) => a.name.localeCompare(b.name));
    out.set(ks.keyspace_name, { name: ks.keyspace_name, replication: ks.replication ?? {}, tables });
  }
  return out;
}

export const primaryKey = (t: TableModel): ColumnModel[] => t.columns.filter((c) => c.kind === "partition_key" || c.kind === "clustering");
export const partitionKey = (t: TableModel): ColumnModel[] => t.columns.filter((c) => c.kind === "partition_key");
export const clusteringKey = (t: TableModel): ColumnModel[] => t.columns.filter((c) => c.kind === "clustering");

/** A stable fingerprint: the cache rebuilds a keyspace's GraphQL schema only when this changes. */
export function keyspaceFingerprint(k: KeyspaceModel): string {
  return JSON.stringify([k.name, k.tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.kind, c.position, c.order, c.typeText]),
    [...t.indexes].map(([c, on]) => [c, [...on].sort()]).sort()])]);
}

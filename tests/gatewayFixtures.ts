// A system_schema description for the gateway tests: the health vitals table, a table with
// every scalar and collections, an indexed column, and a table whose name needs escaping.
import { SchemaRows } from "../gateway/keyspaceModel";

type Col = [name: string, kind: string, position: number, type: string, order?: string];
const cols = (ks: string, table: string, list: Col[]) => list.map(([column_name, kind, position, type, order]) => ({
  keyspace_name: ks, table_name: table, column_name, kind, position, type, clustering_order: order ?? "none",
}));

export const schemaRows: SchemaRows = {
  keyspaces: [
    { keyspace_name: "deskcluster", replication: { class: "org.apache.cassandra.locator.NetworkTopologyStrategy", lab1: "3" } },
    { keyspace_name: "system_auth", replication: {} },
  ],
  tables: [
    { keyspace_name: "deskcluster", table_name: "vitals" }, { keyspace_name: "deskcluster", table_name: "things" },
    { keyspace_name: "deskcluster", table_name: "Query" }, { keyspace_name: "system_auth", table_name: "roles" },
  ],
  columns: [
    ...cols("deskcluster", "vitals", [
      ["board", "partition_key", 0, "text"], ["day", "partition_key", 1, "date"], ["ts", "clustering", 0, "timestamp", "desc"],
      ["cpu_percent", "regular", -1, "float"], ["cpu_temp_c", "regular", -1, "float"], ["temp_status", "regular", -1, "text"],
      ["mem_available_kb", "regular", -1, "bigint"], ["mem_total_kb", "regular", -1, "bigint"], ["cpu_mhz", "regular", -1, "int"],
    ]),
    ...cols("deskcluster", "things", [
      ["id", "partition_key", 0, "uuid"], ["seq", "clustering", 0, "int", "asc"], ["tag", "regular", -1, "text"],
      ["big", "regular", -1, "bigint"], ["when", "regular", -1, "timestamp"], ["tu", "regular", -1, "timeuuid"], ["addr", "regular", -1, "inet"],
      ["d", "regular", -1, "date"], ["t", "regular", -1, "time"], ["dec", "regular", -1, "decimal"], ["vi", "regular", -1, "varint"],
      ["f", "regular", -1, "float"], ["b", "regular", -1, "blob"], ["si", "regular", -1, "smallint"], ["ti", "regular", -1, "tinyint"],
      ["tags", "regular", -1, "set<text>"], ["scores", "regular", -1, "map<text, int>"], ["notes", "regular", -1, "list<text>"],
      ["pos", "regular", -1, "frozen<tuple<int, int>>"],
    ]),
    ...cols("deskcluster", "Query", [["k", "partition_key", 0, "text"], ["v", "regular", -1, "text"]]),
  ],
  indexes: [{ keyspace_name: "deskcluster", table_name: "things", options: { target: "tag" } }],
};

// /graphql-schema: the read-only part of Stargate's CQL-first DDL API, listing keyspaces, their
// replication per data center, tables and columns with their types.
import {
  GraphQLBoolean, GraphQLEnumType, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType, GraphQLSchema, GraphQLString,
} from "graphql";
import { basicTypes, CqlType } from "./cqlType";
import { ColumnModel, KeyspaceModel, TableModel } from "./keyspaceModel";

export interface DdlContext { readonly keyspaces: () => ReadonlyMap<string, KeyspaceModel> }

const basicType = new GraphQLEnumType({
  name: "BasicType",
  values: Object.fromEntries([...basicTypes.filter((b) => b !== "varchar"), "custom", "list", "map", "set", "udt", "tuple"]
    .map((b) => [b.toUpperCase(), { value: b.toUpperCase() }])),
});

interface DataTypeValue { basic: string; info: { name?: string; subTypes?: DataTypeValue[]; frozen?: boolean } | null }

function dataType(t: CqlType): DataTypeValue {
  switch (t.kind) {
    case "basic": return { basic: t.name.toUpperCase(), info: null };
    case "list": case "set": return { basic: t.kind.toUpperCase(), info: { subTypes: [dataType(t.element)], frozen: t.frozen } };
    case "map": return { basic: "MAP", info: { subTypes: [dataType(t.key), dataType(t.value)], frozen: t.frozen } };
    case "tuple": return { basic: "TUPLE", info: { subTypes: t.elements.map(dataType) } };
    case "udt": return { basic: "UDT", info: { name: t.name, frozen: t.frozen } };
  }
}

const dataTypeInfo: GraphQLObjectType = new GraphQLObjectType({
  name: "DataTypeInfo",
  fields: () => ({ name: { type: GraphQLString }, subTypes: { type: new GraphQLList(dataTypeObject) }, frozen: { type: GraphQLBoolean } }),
});
const dataTypeObject: GraphQLObjectType = new GraphQLObjectType({
  name: "DataType", fields: () => ({ basic: { type: new GraphQLNonNull(basicType) }, info: { type: dataTypeInfo } }),
});
const columnKind = new GraphQLEnumType({ name: "ColumnKind", values: { COMPACT: {}, UNKNOWN: {}, PARTITION: {}, CLUSTERING: {}, REGULAR: {}, STATIC: {} } });
const kindName: Record<ColumnModel["kind"], string> = { partition_key: "PARTITION", clustering: "CLUSTERING", regular: "REGULAR", static: "STATIC" };

const column = new GraphQLObjectType<ColumnModel>({
  name: "Column",
  fields: {
    name: { type: new GraphQLNonNull(GraphQLString) },
    kind: { type: columnKind, resolve: (c) => kindName[c.kind] },
    type: { type: new GraphQLNonNull(dataTypeObject), resolve: (c) => dataType(c.type) },
  },
});
const table = new GraphQLObjectType<TableModel>({
  name: "Table", fields: { name: { type: new GraphQLNonNull(GraphQLString) }, columns: { type: new GraphQLList(column) } },
});
const dataCenter = new GraphQLObjectType<{ name: string; replicas: number }>({
  name: "DataCenter", fields: { name: { type: new GraphQLNonNull(GraphQLString) }, replicas: { type: new GraphQLNonNull(GraphQLInt) } },
});

function dcs(k: KeyspaceModel): { name: string; replicas: number }[] {
  const r = k.replication;
  if ((r.class ?? "").endsWith("SimpleStrategy")) return [{ name: "SimpleStrategy", replicas: Number(r.replication_factor) }];
  return Object.entries(r).filter(([key]) => key !== "class").map(([name, n]) => ({ name, replicas: Number(n) }));
}

const keyspace = new GraphQLObjectType<KeyspaceModel>({
  name: "Keyspace",
  fields: {
    name: { type: new GraphQLNonNull(GraphQLString) },
    dcs: { type: new GraphQLList(dataCenter), resolve: dcs },
    tables: { type: new GraphQLList(table) },
    table: { type: table, args: { name: { type: new GraphQLNonNull(GraphQLString) } }, resolve: (k, a) => k.tables.find((t) => t.name === a.name) ?? null },
  },
});

export function buildDdlSchema(): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType<unknown, DdlContext>({
      name: "Query",
      fields: {
        keyspaces: { type: new GraphQLList(keyspace) as GraphQLOutputType, resolve: (_s, _a, ctx) => [...ctx.keyspaces().values()] },
        keyspace: {
          type: keyspace, args: { name: { type: new GraphQLNonNull(GraphQLString) } },
          resolve: (_s, a, ctx) => ctx.keyspaces().get(a.name) ?? null,
        },
      },
    }),
  });
}

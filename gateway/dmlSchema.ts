// The CQL-first GraphQL schema of one keyspace, as Stargate v2 builds it: per table T a type T,
// TInput, TFilterInput, TOrder, TResult and TMutationResult, a query field T and the mutations
// insertT, bulkInsertT, updateT and deleteT. Resolvers turn arguments into bound CQL (cqlStatements)
// and run it through the executor in the GraphQL context, so the schema is testable without Cassandra.
import {
  FieldNode, GraphQLBoolean, GraphQLEnumType, GraphQLFieldConfig, GraphQLFieldConfigMap, GraphQLInputFieldConfigMap,
  GraphQLInputObjectType, GraphQLInputType, GraphQLInt, GraphQLList, GraphQLNamedType, GraphQLNonNull, GraphQLObjectType,
  GraphQLOutputType, GraphQLResolveInfo, GraphQLSchema, GraphQLString, SelectionSetNode,
} from "graphql";
import { CqlType } from "./cqlType";
import {
  BadRequest, Condition, deleteStatement, FilterOp, filterOps, insertStatement, selectStatement, Statement, updateStatement,
} from "./cqlStatements";
import { ColumnModel, KeyspaceModel, TableModel } from "./keyspaceModel";
import { columnGraphqlName, tableGraphqlName } from "./names";
import { basicGraphqlType } from "./scalars";

export interface ExecuteOptions {
  readonly consistency: string;
  readonly serialConsistency?: string;
  readonly pageSize?: number;
  readonly pageState?: Buffer;
}
export interface ExecuteResult { readonly rows: Record<string, unknown>[]; readonly pageState?: Buffer }
export interface CqlExecutor { execute(s: Statement, o: ExecuteOptions): Promise<ExecuteResult> }
export interface GatewayContext { readonly executor: CqlExecutor; readonly maxPageSize: number }

export const defaultPageSize = 100;
export const defaultConsistency = "LOCAL_QUORUM";

const queryConsistency = new GraphQLEnumType({
  name: "QueryConsistency", values: { LOCAL_ONE: {}, LOCAL_QUORUM: {}, ALL: {}, SERIAL: {}, LOCAL_SERIAL: {} },
});
const mutationConsistency = new GraphQLEnumType({ name: "MutationConsistency", values: { LOCAL_ONE: {}, LOCAL_QUORUM: {}, ALL: {} } });
const serialConsistency = new GraphQLEnumType({ name: "SerialConsistency", values: { SERIAL: {}, LOCAL_SERIAL: {} } });
const queryOptions = new GraphQLInputObjectType({
  name: "QueryOptions", description: "The execution options for the query.",
  fields: {
    consistency: { type: queryConsistency, defaultValue: defaultConsistency },
    limit: { type: GraphQLInt },
    pageSize: { type: GraphQLInt, defaultValue: defaultPageSize },
    pageState: { type: GraphQLString },
  },
});
const mutationOptions = new GraphQLInputObjectType({
  name: "MutationOptions", description: "The execution options for the mutation.",
  fields: {
    consistency: { type: mutationConsistency, defaultValue: defaultConsistency },
    serialConsistency: { type: serialConsistency, defaultValue: "SERIAL" },
    ttl: { type: GraphQLInt },
  },
});

interface QueryOptionValues { consistency?: string; limit?: number; pageSize?: number; pageState?: string }
interface MutationOptionValues { consistency?: string; serialConsistency?: string; ttl?: number }

/** Shared GraphQL types of one schema (filter inputs and map entries are reused across tables, as in Stargate). */
class TypeCache {
  private readonly named = new Map<string, GraphQLNamedType>();

  private once<T extends GraphQLNamedType>(name: string, make: () => T): T {
    if (!this.named.has(name)) this.named.set(name, make());
    return this.named.get(name) as T;
  }

  private typeName(t: CqlType): string {
    switch (t.kind) {
      case "basic": return basicGraphqlType(t.name).name;
      case "list": case "set": return `List${this.typeName(t.element)}`;
      case "map": return `Entry${this.typeName(t.key)}Key${this.typeName(t.value)}Value`;
      default: throw new Error(`${t.kind} columns are not supported by this gateway`);
    }
  }

  output(t: CqlType): GraphQLOutputType {
    switch (t.kind) {
      case "basic": return basicGraphqlType(t.name);
      case "list": case "set": return new GraphQLList(this.output(t.element));
      case "map": {
        const name = this.typeName(t);
        return new GraphQLList(this.once(name, () => new GraphQLObjectType({
          name, description: "Represents a key/value type for a Map",
          fields: { key: { type: new GraphQLNonNull(this.output(t.key)) }, value: { type: this.output(t.value) } },
        })));
      }
      default: throw new Error(`${t.kind} columns are not supported by this gateway`);
    }
  }

  input(t: CqlType): GraphQLInputType {
    switch (t.kind) {
      case "basic": return basicGraphqlType(t.name);
      case "list": case "set": return new GraphQLList(this.input(t.element));
      case "map": return new GraphQLList(this.entryInput(t));
      default: throw new Error(`${t.kind} columns are not supported by this gateway`);
    }
  }

  private entryInput(t: Extract<CqlType, { kind: "map" }>): GraphQLInputObjectType {
    const name = `${this.typeName(t)}Input`;
    return this.once(name, () => new GraphQLInputObjectType({
      name, description: "Represents a key/value type for a Map",
      fields: { key: { type: new GraphQLNonNull(this.input(t.key)) }, value: { type: this.input(t.value) } },
    }));
  }

  filter(t: CqlType): GraphQLInputObjectType {
    const input = this.input(t);
    const name = `${t.kind === "basic" ? this.typeName(t) : t.kind === "map" ? `List${this.typeName(t)}` : this.typeName(t)}FilterInput`;
    return this.once(name, () => {
      const fields: GraphQLInputFieldConfigMap = {
        eq: { type: input }, notEq: { type: input }, gt: { type: input }, gte: { type: input }, lt: { type: input }, lte: { type: input },
        in: { type: new GraphQLList(input) },
      };
      if (t.kind === "list" || t.kind === "set") fields.contains = { type: this.input(t.element) };
      if (t.kind === "map") {
        fields.containsKey = { type: this.input(t.key) };
        fields.contains = { type: this.input(t.value) };
        fields.containsEntry = { type: this.entryInput(t) };
      }
      return new GraphQLInputObjectType({ name, fields });
    });
  }
}

/** GraphQL value of a driver value: maps become lists of {key, value}, sets become lists. */
function toGraphqlValue(t: CqlType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "list": case "set": return [...(v as Iterable<unknown>)].map((e) => toGraphqlValue(t.element, e));
    case "map": {
      const entries = v instanceof Map ? [...v] : Object.entries(v as object);
      return entries.map(([key, value]) => ({ key: toGraphqlValue(t.key, key), value: toGraphqlValue(t.value, value) }));
    }
    default: return v;
  }
}

/** Driver value of a GraphQL input value: the reverse of toGraphqlValue. */
function toCqlValue(t: CqlType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "list": case "set": return (v as unknown[]).map((e) => toCqlValue(t.element, e));
    case "map": return new Map((v as { key: unknown; value: unknown }[]).map((e) => [toCqlValue(t.key, e.key), toCqlValue(t.value, e.value)]));
    default: return v;
  }
}

function subfields(selections: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = []): FieldNode[] {
  for (const s of selections?.selections ?? []) {
    if (s.kind === "Field") out.push(s);
    else if (s.kind === "InlineFragment") subfields(s.selectionSet, info, out);
    else subfields(info.fragments[s.name.value]?.selectionSet, info, out);
  }
  return out;
}

/** The fields asked for under `values` (under any alias): the columns to SELECT. */
export function selectedValueFields(info: GraphQLResolveInfo): string[] {
  const names = new Set<string>();
  for (const node of info.fieldNodes) {
    for (const v of subfields(node.selectionSet, info).filter((f) => f.name.value === "values")) {
      for (const f of subfields(v.selectionSet, info)) if (f.name.value !== "__typename") names.add(f.name.value);
    }
  }
  return [...names];
}

interface TableNames { readonly graphql: string; readonly byGraphql: Map<string, ColumnModel>; readonly ofColumn: Map<string, string> }

function tableNames(t: TableModel, warnings: string[]): TableNames {
  const byGraphql = new Map<string, ColumnModel>(), ofColumn = new Map<string, string>();
  for (const c of t.columns) {
    const g = columnGraphqlName(c.name);
    const clash = byGraphql.get(g);
    if (clash) {
      warnings.push(`Could not convert column ${c.name} in table/UDT ${t.name} because its GraphQL name ${g} would collide with column ${clash.name}`);
      continue;
    }
    if (g !== c.name) warnings.push(`Column ${c.name} in table/UDT ${t.name} mapped as ${g}`);
    byGraphql.set(g, c); ofColumn.set(c.name, g);
  }
  return { graphql: tableGraphqlName(t.name), byGraphql, ofColumn };
}

function checkedPageSize(ctx: GatewayContext, o: QueryOptionValues): number {
  const n = o.pageSize ?? defaultPageSize;
  if (!Number.isInteger(n) || n < 1 || n > ctx.maxPageSize) throw new BadRequest(`options.pageSize must be between 1 and ${ctx.maxPageSize} (got ${n})`);
  return n;
}

function decodePageState(s: string | undefined): Buffer | undefined {
  if (s === undefined || s === null) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) throw new BadRequest("options.pageState is not a page state returned by a previous query (base64)");
  return Buffer.from(s, "base64");
}

class TableBuilder {
  readonly names: TableNames;
  readonly fields: ColumnModel[] = [];
  readonly output: GraphQLObjectType;
  readonly input: GraphQLInputObjectType;
  readonly filter: GraphQLInputObjectType;
  readonly order: GraphQLEnumType;
  readonly result: GraphQLObjectType;
  readonly mutationResult: GraphQLObjectType;

  constructor(readonly table: TableModel, types: TypeCache, warnings: string[]) {
    this.names = tableNames(table, warnings);
    const g = this.names.graphql;
    const outFields: GraphQLFieldConfigMap<unknown, unknown> = {}, inFields: GraphQLInputFieldConfigMap = {}, filterFields: GraphQLInputFieldConfigMap = {};
    const orderValues: Record<string, object> = {};
    for (const [name, c] of this.names.byGraphql) {
      try {
        const out = types.output(c.type), inp = types.input(c.type), fil = types.filter(c.type);
        outFields[name] = { type: out }; inFields[name] = { type: inp }; filterFields[name] = { type: fil };
        orderValues[`${name}_DESC`] = {}; orderValues[`${name}_ASC`] = {};
        this.fields.push(c);
      } catch (e) {
        warnings.push(`Could not create types for column ${c.name} in table ${table.name}, skipping (${(e as Error).message})`);
      }
    }
    if (this.fields.length === 0) throw new Error("no column could be converted");
    const keyFields = this.fields.filter((c) => c.kind === "partition_key" || c.kind === "clustering")
      .map((c) => `'${this.names.ofColumn.get(c.name)}'`).join(", ");
    const keyNote = `Note that ${keyFields} ` +
      "are the fields that correspond to the table primary key.";
    this.output = new GraphQLObjectType({
      name: g, description: `The type used to represent results of a query for the table '${table.name}'.`, fields: outFields,
    });
    this.input = new GraphQLInputObjectType({ name: `${g}Input`, description: `The input type for the table '${table.name}'.\n${keyNote}`, fields: inFields });
    this.filter = new GraphQLInputObjectType({
      name: `${g}FilterInput`,
      description: `The input type used for filtering with non-equality operators for the table '${table.name}'.\n${keyNote}`,
      fields: filterFields,
    });
    this.order = new GraphQLEnumType({
      name: `${g}Order`,
      description: `The enum used to order a query result based on one or more fields for the table '${table.name}'.`,
      values: orderValues,
    });
    this.result = new GraphQLObjectType({
      name: `${g}Result`, fields: { pageState: { type: GraphQLString }, values: { type: new GraphQLList(new GraphQLNonNull(this.output)) } },
    });
    this.mutationResult = new GraphQLObjectType({
      name: `${g}MutationResult`, description: `The type used to represent results of a mutation for the table '${table.name}'.`,
      fields: { applied: { type: GraphQLBoolean }, accepted: { type: GraphQLBoolean }, value: { type: this.output } },
    });
  }

  private column(graphqlName: string): ColumnModel {
    const c = this.names.byGraphql.get(graphqlName);
    if (!c) throw new BadRequest(`unknown field ${graphqlName} of table ${this.table.name}`);
    return c;
  }

  private valueMap(value: Record<string, unknown>): Map<string, unknown> {
    return new Map(Object.entries(value).map(([g, v]) => { const c = this.column(g); return [c.name, toCqlValue(c.type, v)]; }));
  }

  conditions(filter: Record<string, Record<string, unknown> | null> | null | undefined): Condition[] {
    const out: Condition[] = [];
    for (const [g, ops] of Object.entries(filter ?? {})) {
      const c = this.column(g);
      for (const [op, v] of Object.entries(ops ?? {})) {
        if (!(filterOps as readonly string[]).includes(op)) throw new BadRequest(`unknown filter operator ${op}`);
        const value = op === "in" ? (v as unknown[]).map((e) => toCqlValue(c.type, e))
          : op === "contains" ? toCqlValue(c.type.kind === "map" ? c.type.value : c.type.kind === "list" || c.type.kind === "set" ? c.type.element : c.type, v)
            : op === "containsKey" && c.type.kind === "map" ? toCqlValue(c.type.key, v)
              : op === "containsEntry" && c.type.kind === "map"
                ? { key: toCqlValue(c.type.key, (v as { key: unknown }).key), value: toCqlValue(c.type.value, (v as { value: unknown }).value) }
                : toCqlValue(c.type, v);
        out.push({ column: c, op: op as FilterOp, value });
      }
    }
    return out;
  }

  rowValue(row: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const c of this.fields) if (c.name in row) out[this.names.ofColumn.get(c.name)!] = toGraphqlValue(c.type, row[c.name]);
    return out;
  }

  queryField(): GraphQLFieldConfig<unknown, GatewayContext> {
    return {
      description: `Query for the table '${this.table.name}'.`,
      args: { value: { type: this.input }, filter: { type: this.filter }, orderBy: { type: new GraphQLList(this.order) }, options: { type: queryOptions } },
      type: this.result,
      resolve: async (_src, args, ctx, info) => {
        const o: QueryOptionValues = args.options ?? {};
        const pageSize = checkedPageSize(ctx, o);
        if (o.limit !== undefined && o.limit !== null && (!Number.isInteger(o.limit) || o.limit < 1)) {
          throw new BadRequest("options.limit must be a positive integer");
        }
        const where = args.filter ? this.conditions(args.filter)
          : [...this.valueMap(args.value ?? {})].map(([n, v]): Condition => ({ column: this.table.columns.find((c) => c.name === n)!, op: "eq", value: v }));
        const orderBy = ((args.orderBy ?? []) as string[]).map((s) => {
          const i = s.lastIndexOf("_");
          return { column: this.column(s.slice(0, i)).name, desc: s.slice(i + 1) === "DESC" };
        });
        const columns = selectedValueFields(info).map((f) => this.column(f).name);
        const st = selectStatement(this.table, { columns, where, orderBy, limit: o.limit ?? undefined });
        const r = await ctx.executor.execute(st, { consistency: o.consistency ?? defaultConsistency, pageSize, pageState: decodePageState(o.pageState) });
        return { values: r.rows.map((row) => this.rowValue(row)), pageState: r.pageState && r.pageState.length > 0 ? r.pageState.toString("base64") : null };
      },
    };
  }

  private async mutate(ctx: GatewayContext, st: Statement, o: MutationOptionValues | undefined, value: unknown): Promise<unknown> {
    const r = await ctx.executor.execute(st, { consistency: o?.consistency ?? defaultConsistency, serialConsistency: o?.serialConsistency ?? "SERIAL" });
    const row = r.rows[0];
    if (!row || !("[applied]" in row)) return { applied: true, value };
    const applied = row["[applied]"] === true;
    return { applied, value: applied ? value : this.rowValue(row) };
  }

  mutationFields(): GraphQLFieldConfigMap<unknown, GatewayContext> {
    const g = this.names.graphql, t = this.table;
    const ttl = (o?: MutationOptionValues) => (o?.ttl === undefined || o?.ttl === null ? undefined : o.ttl);
    return {
      [`delete${g}`]: {
        description: `Delete mutation for the table '${t.name}'.`, type: this.mutationResult,
        args: {
          value: { type: new GraphQLNonNull(this.input) }, ifExists: { type: GraphQLBoolean },
          ifCondition: { type: this.filter }, options: { type: mutationOptions },
        },
        resolve: (_s, a, ctx) => this.mutate(ctx, deleteStatement(t, this.valueMap(a.value), {
          ifExists: a.ifExists, ifCondition: a.ifCondition ? this.conditions(a.ifCondition) : undefined,
        }), a.options, a.value),
      },
      [`insert${g}`]: {
        description: `Insert mutation for the table '${t.name}'.`, type: this.mutationResult,
        args: { value: { type: new GraphQLNonNull(this.input) }, ifNotExists: { type: GraphQLBoolean }, options: { type: mutationOptions } },
        resolve: (_s, a, ctx) => this.mutate(ctx, insertStatement(t, this.valueMap(a.value), { ifNotExists: a.ifNotExists, ttl: ttl(a.options) }),
          a.options, a.value),
      },
      [`bulkInsert${g}`]: {
        description: `Bulk insert mutations for the table '${t.name}'.`, type: new GraphQLList(this.mutationResult),
        args: { values: { type: new GraphQLList(new GraphQLNonNull(this.input)) }, ifNotExists: { type: GraphQLBoolean }, options: { type: mutationOptions } },
        resolve: (_s, a, ctx) => Promise.all(((a.values ?? []) as Record<string, unknown>[]).map((v) =>
          this.mutate(ctx, insertStatement(t, this.valueMap(v), { ifNotExists: a.ifNotExists, ttl: ttl(a.options) }), a.options, v))),
      },
      [`update${g}`]: {
        description: `Update mutation for the table '${t.name}'.`, type: this.mutationResult,
        args: {
          value: { type: new GraphQLNonNull(this.input) }, ifExists: { type: GraphQLBoolean },
          ifCondition: { type: this.filter }, options: { type: mutationOptions },
        },
        resolve: (_s, a, ctx) => this.mutate(ctx, updateStatement(t, this.valueMap(a.value), {
          ifExists: a.ifExists, ifCondition: a.ifCondition ? this.conditions(a.ifCondition) : undefined, ttl: ttl(a.options),
        }), a.options, a.value),
      },
    };
  }
}

export function buildDmlSchema(ks: KeyspaceModel): { schema: GraphQLSchema; warnings: string[] } {
  const warnings: string[] = [];
  const types = new TypeCache();
  const queries: GraphQLFieldConfigMap<unknown, GatewayContext> = {};
  const mutations: GraphQLFieldConfigMap<unknown, GatewayContext> = {};
  const seen = new Map<string, string>();
  for (const t of ks.tables) {
    const g = tableGraphqlName(t.name);
    if (seen.has(g)) { warnings.push(`Couldn't convert table ${t.name} because its GraphQL name ${g} would collide with table ${seen.get(g)}`); continue; }
    seen.set(g, t.name);
    if (g !== t.name) warnings.push(`Table ${t.name} mapped as ${g}`);
    try {
      const b = new TableBuilder(t, types, warnings);
      queries[g] = b.queryField();
      Object.assign(mutations, b.mutationFields());
    } catch (e) {
      warnings.push(`Could not convert table ${t.name}, skipping (${(e as Error).message})`);
    }
  }
  queries.conversionWarnings = {
    type: new GraphQLList(GraphQLString),
    description: `Warnings encountered during the CQL to GraphQL conversion.` +
      `${warnings.length === 0 ? "\nNo warnings found, this will return an empty list." : ""}`,
    resolve: () => warnings,
  };
  if (Object.keys(mutations).length === 0) {
    mutations.keyspaceEmptyMutation = {
      type: GraphQLBoolean, description: "Placeholder mutation that is exposed when a keyspace is empty.", resolve: () => true,
    };
  }
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: queries }),
    mutation: new GraphQLObjectType({ name: "Mutation", fields: mutations }),
    types: [queryOptions, mutationOptions],
  });
  return { schema, warnings };
}


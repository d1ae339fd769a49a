// The CQL a GraphQL request becomes: SELECT, INSERT, UPDATE and DELETE with bound parameters
// (never values spliced into text), identifiers quoted so CQL names are used verbatim, and the
// check that refuses what Cassandra could only serve with ALLOW FILTERING (a table scan).
import { clusteringKey, ColumnModel, partitionKey, primaryKey, TableModel } from "./keyspaceModel";

export const filterOps = ["eq", "notEq", "gt", "gte", "lt", "lte", "in", "contains", "containsKey", "containsEntry"] as const;
export type FilterOp = (typeof filterOps)[number];

export interface Condition { readonly column: ColumnModel; readonly op: FilterOp; readonly value: unknown }
export interface Statement { readonly cql: string; readonly params: unknown[] }

export class BadRequest extends Error {}

export const quoteId = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const tableRef = (t: TableModel): string => `${quoteId(t.keyspace)}.${quoteId(t.name)}`;

const opCql: Record<Exclude<FilterOp, "containsEntry">, string> = {
  eq: "=", notEq: "!=", gt: ">", gte: ">=", lt: "<", lte: "<=", in: "IN", contains: "CONTAINS", containsKey: "CONTAINS KEY",
};

function relation(c: Condition, params: unknown[]): string {
  if (c.op === "containsEntry") {
    const e = c.value as { key: unknown; value: unknown };
    params.push(e.key, e.value);
    return `${quoteId(c.column.name)}[?] = ?`;
  }
  params.push(c.value);
  return `${quoteId(c.column.name)} ${opCql[c.op]} ?`;
}

const where = (conds: readonly Condition[], params: unknown[]): string =>
  conds.length === 0 ? "" : ` WHERE ${conds.map((c) => relation(c, params)).join(" AND ")}`;

function ifClause(conds: readonly Condition[] | undefined, ifExists: boolean | undefined, params: unknown[]): string {
  if (conds && conds.length > 0) {
    const bad = conds.find((c) => c.op.startsWith("contains"));
    if (bad) throw new BadRequest(`ifCondition: ${bad.op} cannot be a condition; use eq, notEq, gt, gte, lt, lte or in`);
    return ` IF ${conds.map((c) => relation(c, params)).join(" AND ")}`;
  }
  return ifExists ? " IF EXISTS" : "";
}

const indexServes = (t: TableModel, c: Condition): boolean => {
  const on = t.indexes.get(c.column.name);
  if (!on) return false;
  switch (c.op) {
    case "eq": return on.has("values") || on.has("full");
    case "contains": return on.has("values");
    case "containsKey": return on.has("keys");
    case "containsEntry": return on.has("entries");
    default: return false;
  }
};

/** Why Cassandra could not serve these restrictions without ALLOW FILTERING (or at all); undefined when it can. */
export function filterProblem(t: TableModel, conds: readonly Condition[], ordered: boolean): string | undefined {
  const notEq = conds.find((c) => c.op === "notEq");
  if (notEq) return `filter on ${notEq.column.name}: notEq is only allowed in ifCondition (Cassandra has no != in a query)`;
  const pk = partitionKey(t), onPk = conds.filter((c) => c.column.kind === "partition_key");
  const badPk = onPk.find((c) => c.op !== "eq" && c.op !== "in");
  if (badPk) return `filter on partition key column ${badPk.column.name}: only eq and in are supported on the partition key`;
  const pkNames = pk.map((c) => c.name).join(", ");
  const pkFull = pk.every((c) => onPk.some((x) => x.column.name === c.name));
  const scan = (what: string) => `${what} needs ALLOW FILTERING, which the gateway never sends (a scan of the table): ` +
    `restrict the whole partition key (${pkNames}) with eq or in, then clustering columns in order`;
  if (onPk.length > 0 && !pkFull) return scan(`a filter on part of the partition key (${onPk.map((c) => c.column.name).join(", ")})`);
  const onCk = conds.filter((c) => c.column.kind === "clustering");
  if (onCk.length > 0) {
    if (!pkFull) return scan(`filter on clustering column ${onCk[0].column.name} without the partition key`);
    let open = true;
    for (const ck of clusteringKey(t)) {
      const on = onCk.filter((c) => c.column.name === ck.name);
      if (on.length === 0) { open = false; continue; }
      if (!open) return scan(`filter on clustering column ${ck.name} after an unrestricted or range-restricted one`);
      const bad = on.find((c) => !["eq", "in", "gt", "gte", "lt", "lte"].includes(c.op));
      if (bad) return scan(`${bad.op} on clustering column ${ck.name}`);
      if (on.some((c) => c.op !== "eq" && c.op !== "in")) open = false;
    }
  }
  const others = conds.filter((c) => c.column.kind === "regular" || c.column.kind === "static");
  if (others.length > 1) return scan(`filter on ${others.map((c) => c.column.name).join(" and ")} (non-key columns)`);
  if (others.length === 1 && !indexServes(t, others[0])) {
    const o = others[0];
    return scan(`${o.op} on ${o.column.name}, a non-key column without a matching secondary index,`);
  }
  if (ordered && !pkFull) return "orderBy needs the whole partition key restricted with eq or in (Cassandra orders within a partition)";
  return undefined;
}

export interface SelectArgs {
  readonly columns: readonly string[];
  readonly where: readonly Condition[];
  readonly orderBy: readonly { column: string; desc: boolean }[];
  readonly limit?: number;
}

export function selectStatement(t: TableModel, a: SelectArgs): Statement {
  const problem = filterProblem(t, a.where, a.orderBy.length > 0);
  if (problem) throw new BadRequest(problem);
  const params: unknown[] = [];
  const cols = (a.columns.length > 0 ? a.columns : [primaryKey(t)[0].name]).map(quoteId).join(", ");
  let cql = `SELECT ${cols} FROM ${tableRef(t)}${where(a.where, params)}`;
  if (a.orderBy.length > 0) cql += ` ORDER BY ${a.orderBy.map((o) => `${quoteId(o.column)} ${o.desc ? "DESC" : "ASC"}`).join(", ")}`;
  if (a.limit !== undefined) { cql += " LIMIT ?"; params.push(a.limit); }
  return { cql, params };
}

function requireKey(t: TableModel, given: ReadonlySet<string>, what: string, cols = primaryKey(t)): void {
  const missing = cols.filter((c) => !given.has(c.name)).map((c) => c.name);
  if (missing.length > 0) throw new BadRequest(`${what} on ${t.name} needs every primary key column in value; missing: ${missing.join(", ")}`);
}

export function insertStatement(t: TableModel, values: ReadonlyMap<string, unknown>, o: { ifNotExists?: boolean; ttl?: number }): Statement {
  requireKey(t, new Set(values.keys()), "insert");
  const names = [...values.keys()];
  const params = [...values.values()];
  let cql = `INSERT INTO ${tableRef(t)} (${names.map(quoteId).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`;
  if (o.ifNotExists) cql += " IF NOT EXISTS";
  if (o.ttl !== undefined) { cql += " USING TTL ?"; params.push(o.ttl); }
  return { cql, params };
}

export function updateStatement(t: TableModel, values: ReadonlyMap<string, unknown>,
  o: { ifExists?: boolean; ifCondition?: readonly Condition[]; ttl?: number }): Statement {
  requireKey(t, new Set(values.keys()), "update");
  const key = primaryKey(t);
  const sets = [...values].filter(([n]) => !key.some((k) => k.name === n));
  if (sets.length === 0) throw new BadRequest(`update on ${t.name} needs at least one non-key column in value`);
  const params: unknown[] = [];
  let cql = `UPDATE ${tableRef(t)}`;
  if (o.ttl !== undefined) { cql += " USING TTL ?"; params.push(o.ttl); }
  cql += ` SET ${sets.map(([n, v]) => {
    params.push(v);
    const c = t.columns.find((x) => x.name === n)!;
    return c.type.kind === "basic" && c.type.name === "counter" ? `${quoteId(n)} = ${quoteId(n)} + ?` : `${quoteId(n)} = ?`;
  }).join(", ")}`;
  const keyConds = key.map((k): Condition => ({ column: k, op: "eq", value: values.get(k.name) }));
  cql += where(keyConds, params) + ifClause(o.ifCondition, o.ifExists, params);
  return { cql, params };
}

export function deleteStatement(t: TableModel, values: ReadonlyMap<string, unknown>,
  o: { ifExists?: boolean; ifCondition?: readonly Condition[] }): Statement {
  requireKey(t, new Set(values.keys()), "delete", partitionKey(t));
  const params: unknown[] = [];
  const conds = [...values].map(([n, v]): Condition => ({ column: t.columns.find((c) => c.name === n)!, op: "eq", value: v }));
  const nonKey = conds.find((c) => c.column.kind === "regular" || c.column.kind === "static");
  if (nonKey) throw new BadRequest(`delete on ${t.name}: value may only hold primary key columns (${nonKey.column.name} is not one); use ifCondition`);
  return { cql: `DELETE FROM ${tableRef(t)}${where(conds, params)}${ifClause(o.ifCondition, o.ifExists, params)}`, params };
}

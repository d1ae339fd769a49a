// The gateway's GraphQL schema from a system_schema description: Stargate's type and field names,
// scalars, name escaping, and the conversion warnings for what it cannot map.
import assert from "node:assert/strict";
import { types } from "cassandra-driver";
import { GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, printType } from "graphql";
import { parseCqlType } from "../gateway/cqlType";
import { buildDmlSchema } from "../gateway/dmlSchema";
import { keyspaceModels } from "../gateway/keyspaceModel";
import { columnGraphqlName, tableGraphqlName } from "../gateway/names";
import { cqlScalars, instantText } from "../gateway/scalars";
import { schemaRows } from "./gatewayFixtures";

const ks = () => keyspaceModels(schemaRows).get("deskcluster")!;

describe("gateway: schema from system_schema", () => {
  it("parses CQL types as system_schema spells them", () => {
    assert.deepEqual(parseCqlType("map<text, frozen<list<int>>>"), {
      kind: "map", frozen: false, key: { kind: "basic", name: "text" }, value: { kind: "list", frozen: true, element: { kind: "basic", name: "int" } },
    });
    assert.deepEqual(parseCqlType("frozen<address>"), { kind: "udt", name: "address", frozen: true });
    assert.throws(() => parseCqlType("map<text"), /unsupported CQL type/);
  });

  it("leaves Cassandra's own keyspaces out and orders columns as the primary key", () => {
    const models = keyspaceModels(schemaRows);
    assert.deepEqual([...models.keys()], ["deskcluster"]);
    assert.deepEqual(ks().tables.find((t) => t.name === "vitals")!.columns.slice(0, 3).map((c) => c.name), ["board", "day", "ts"]);
    assert.deepEqual([...ks().tables.find((t) => t.name === "things")!.indexes], [["tag", new Set(["values"])]]);
  });

  it("names types, fields and mutations as Stargate does", () => {
    const { schema } = buildDmlSchema(ks());
    const q = schema.getQueryType()!.getFields();
    assert.deepEqual(Object.keys(q).sort(), ["Querx79_", "conversionWarnings", "things", "vitals"]);
    assert.deepEqual(q.vitals.args.map((a) => a.name), ["value", "filter", "orderBy", "options"]);
    assert.equal(String(q.vitals.type), "vitalsResult");
    assert.deepEqual(Object.keys(schema.getMutationType()!.getFields()).filter((f) => f.endsWith("vitals")).sort(),
      ["bulkInsertvitals", "deletevitals", "insertvitals", "updatevitals"]);
    const m = schema.getMutationType()!.getFields();
    assert.deepEqual(m.updatevitals.args.map((a) => `${a.name}: ${a.type}`),
      ["value: vitalsInput!", "ifExists: Boolean", "ifCondition: vitalsFilterInput", "options: MutationOptions"]);
    assert.deepEqual(m.insertvitals.args.map((a) => a.name), ["value", "ifNotExists", "options"]);
    const res = schema.getType("vitalsMutationResult") as GraphQLObjectType;
    assert.deepEqual(Object.keys(res.getFields()), ["applied", "accepted", "value"]);
    const order = schema.getType("vitalsOrder") as GraphQLEnumType;
    assert.deepEqual(order.getValues().slice(0, 4).map((v) => v.name), ["board_DESC", "board_ASC", "day_DESC", "day_ASC"]);
    const opts = schema.getType("QueryOptions") as GraphQLInputObjectType;
    assert.match(printType(opts), /consistency: QueryConsistency = LOCAL_QUORUM\n {2}limit: Int\n {2}pageSize: Int = 100\n {2}pageState: String/);
  });

  it("maps every CQL scalar to Stargate's scalar and collections to lists and entries", () => {
    const { schema } = buildDmlSchema(ks());
    const t = (schema.getType("things") as GraphQLObjectType).getFields();
    assert.deepEqual(Object.fromEntries(Object.entries(t).map(([k, f]) => [k, String(f.type)])), {
      id: "Uuid", seq: "Int", tag: "String", big: "BigInt", when: "Timestamp", tu: "TimeUuid", addr: "Inet", d: "Date", t: "Time",
      dec: "Decimal", vi: "Varint", f: "Float32", b: "Blob", si: "SmallInt", ti: "TinyInt", tags: "[String]",
      scores: "[EntryStringKeyIntValue]", notes: "[String]",
    });
    const filter = (schema.getType("thingsFilterInput") as GraphQLInputObjectType).getFields();
    assert.equal(String(filter.scores.type), "ListEntryStringKeyIntValueFilterInput");
    assert.deepEqual(Object.keys((schema.getType("ListEntryStringKeyIntValueFilterInput") as GraphQLInputObjectType).getFields()),
      ["eq", "notEq", "gt", "gte", "lt", "lte", "in", "containsKey", "contains", "containsEntry"]);
    assert.deepEqual(Object.keys((schema.getType("ListStringFilterInput") as GraphQLInputObjectType).getFields()),
      ["eq", "notEq", "gt", "gte", "lt", "lte", "in", "contains"]);
  });

  it("reports what it cannot map instead of failing the keyspace", () => {
    const { warnings } = buildDmlSchema(ks());
    assert.deepEqual(warnings, [
      "Table Query mapped as Querx79_",
      "Could not create types for column pos in table things, skipping (tuple columns are not supported by this gateway)",
    ]);
  });

  it("escapes names the way Stargate does", () => {
    assert.deepEqual(["books", "Query", "my table", "__x", "1abc", "Entryfoo", "bookInput"].map(tableGraphqlName),
      ["books", "Querx79_", "myx20_table", "x5f__x", "x31_abc", "Entrx79_foo", "bookInpux74_"]);
    assert.equal(columnGraphqlName("a-b"), "ax2d_b");
    assert.equal(columnGraphqlName("x1_"), "x78_1_");
  });

  it("converts scalars: BigInt as a string, Timestamp like java.time.Instant, bad values refused with the scalar's name", () => {
    assert.equal(cqlScalars.bigint.serialize(types.Long.fromString("9007199254740993")), "9007199254740993");
    assert.equal(String(cqlScalars.bigint.parseValue(12)), "12");
    assert.equal(String(cqlScalars.bigint.parseValue("-9223372036854775808")), "-9223372036854775808");
    assert.throws(() => cqlScalars.bigint.parseValue("12.5"), /BigInt: "12.5" is not an integer/);
    assert.equal(instantText(new Date(Date.UTC(2024, 4, 1, 10, 0, 0))), "2024-05-01T10:00:00Z");
    assert.equal(cqlScalars.timestamp.serialize(new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 120))), "2024-05-01T10:00:00.120Z");
    assert.equal((cqlScalars.timestamp.parseValue(0) as Date).getTime(), 0);
    assert.throws(() => cqlScalars.timestamp.parseValue("yesterday"), /Timestamp: "yesterday" is not a timestamp/);
    assert.equal(String(cqlScalars.uuid.parseValue("fe86cad0-1965-11eb-84e6-ab660d2e8c9e")), "fe86cad0-1965-11eb-84e6-ab660d2e8c9e");
    assert.throws(() => cqlScalars.uuid.parseValue("nope"), /Uuid:/);
    assert.equal(cqlScalars.blob.serialize(Buffer.from([0xca, 0xfe])), "yv4=");
    assert.deepEqual(cqlScalars.blob.parseValue("yv4="), Buffer.from([0xca, 0xfe]));
    assert.throws(() => cqlScalars.tinyint.parseValue(200), /TinyInt: 200 is not a 8-bit integer/);
    assert.equal(String(cqlScalars.date.parseValue("2020-10-21")), "2020-10-21");
    assert.equal(String(cqlScalars.decimal.parseValue("1.50")), "1.50");
  });

  it("reads a Decimal exactly as Java's BigDecimal does, exponents included, through the driver's encoding and back", () => {
    const cases: [string, string][] = [["1.5e2", "150"], ["1e3", "1000"], ["1e-3", "0.001"], ["-2.50", "-2.50"], [".5", "0.5"],
      ["+7", "7"], ["12.345E+1", "123.45"], ["-0.000123", "-0.000123"], ["123456789012345678901234567890.5", "123456789012345678901234567890.5"]];
    for (const [text, value] of cases) {
      const d = cqlScalars.decimal.parseValue(text) as types.BigDecimal;
      assert.equal(d.toString(), value, text);
      assert.equal(types.BigDecimal.fromBuffer(types.BigDecimal.toBuffer(d)).toString(), value, `${text} through the wire format`);
    }
    assert.equal(String(cqlScalars.decimal.parseValue(1.25)), "1.25");
    for (const bad of ["", "e3", "1.2.3", "abc", "1e", "1e99999"]) assert.throws(() => cqlScalars.decimal.parseValue(bad), /Decimal:/, bad);
    assert.equal(String(cqlScalars.varint.parseValue("9223372036854775808")), "9223372036854775808");
  });
});

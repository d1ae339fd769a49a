// The custom scalars of Stargate's CQL-first API, named as Stargate names them, converting
// between JSON and the values cassandra-driver reads and writes. Values that JavaScript cannot
// hold exactly (bigint, counter, varint, decimal) travel as strings.
import { types } from "cassandra-driver";
import { GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLScalarType, GraphQLString, Kind, ValueNode } from "graphql";

type Parse = (v: unknown) => unknown;

function literalValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING: return ast.value;
    case Kind.INT: return Number.isSafeInteger(Number(ast.value)) ? Number(ast.value) : ast.value;
    case Kind.FLOAT: return Number(ast.value);
    case Kind.BOOLEAN: return ast.value;
    default: throw new TypeError(`expected a string or number literal, got ${ast.kind}`);
  }
}

function scalar(name: string, description: string, serialize: (v: unknown) => unknown, parse: Parse): GraphQLScalarType {
  const checked: Parse = (v) => {
    try { return parse(v); } catch (e) { throw new TypeError(`${name}: ${(e as Error).message}`); }
  };
  return new GraphQLScalarType({ name, description, serialize, parseValue: checked, parseLiteral: (ast) => checked(literalValue(ast)) });
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== "string") throw new TypeError(`expected ${what} as a string, got ${JSON.stringify(v)}`);
  return v;
};
const intIn = (bits: number) => (v: unknown): number => {
  const n = typeof v === "string" ? Number(v) : v;
  const max = 2 ** (bits - 1);
  if (typeof n !== "number" || !Number.isInteger(n) || n < -max || n >= max) throw new TypeError(`${JSON.stringify(v)} is not a ${bits}-bit integer`);
  return n;
};
const integerText = (v: unknown): string => {
  const s = typeof v === "number" && Number.isInteger(v) ? String(v) : str(v, "an integer");
  if (!/^[-+]?\d+$/.test(s)) throw new TypeError(`"${s}" is not an integer`);
  return s;
};

/** java.time.Instant.toString(): milliseconds only when not zero. */
export function instantText(d: Date): string {
  return d.toISOString().replace(".000Z", "Z");
}

function parseTimestamp(v: unknown): Date {
  const d = typeof v === "number" ? new Date(v) : new Date(str(v, "a timestamp"));
  if (Number.isNaN(d.getTime())) throw new TypeError(`"${String(v)}" is not a timestamp`);
  return d;
}

const asString = (v: unknown): string => String(v);

/** Exponents beyond this are refused: "1e999999999" would otherwise become a billion-digit number. */
const maxDecimalExponent = 10_000;

/**
 * A decimal as Java's BigDecimal(String) reads it (Stargate's parser), exactly: the driver's own fromString reads
 * "1.5e2" as 0.015, "1e3" as 1 and refuses "1e-3". A negative scale is written out as zeros (150, scale 0), the same
 * value, since the driver's BigDecimal mishandles negative scales.
 */
export function parseDecimal(text: string): types.BigDecimal {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
  const fraction = m?.[3] ?? "";
  if (!m || m[2].length + fraction.length === 0) throw new TypeError(`"${text}" is not a decimal`);
  const exponent = Number(m[4] ?? 0);
  if (Math.abs(exponent) > maxDecimalExponent) throw new TypeError(`"${text}": exponent beyond ±${maxDecimalExponent}`);
  let unscaled = (m[2] + fraction).replace(/^0+(?=\d)/, "");
  let scale = fraction.length - exponent;
  if (scale < 0) { unscaled += "0".repeat(-scale); scale = 0; }
  const value = types.Integer.fromString(`${m[1] === "-" ? "-" : ""}${unscaled}`);
  // The driver takes an Integer here (its fromString does); its typings say number, which would lose digits.
  return new types.BigDecimal(value as unknown as number, scale);
}

export const cqlScalars: Record<string, GraphQLScalarType> = {
  uuid: scalar("Uuid", "A CQL uuid as a string.", asString, (v) => types.Uuid.fromString(str(v, "a uuid"))),
  timeuuid: scalar("TimeUuid", "A CQL timeuuid as a string.", asString, (v) => types.TimeUuid.fromString(str(v, "a timeuuid"))),
  inet: scalar("Inet", "A CQL inet (IPv4 or IPv6 address) as a string.", asString, (v) => types.InetAddress.fromString(str(v, "an address"))),
  date: scalar("Date", "A CQL date as an ISO-8601 string, e.g. \"2020-10-21\".", asString, (v) => types.LocalDate.fromString(str(v, "a date"))),
  duration: scalar("Duration", "A CQL duration as a string, e.g. \"1h4m48s20ms\".", asString, (v) => types.Duration.fromString(str(v, "a duration"))),
  bigint: scalar("BigInt", "A CQL bigint (64-bit signed integer) as a string; integers are accepted on input.", asString,
    (v) => types.Long.fromString(integerText(v))),
  counter: scalar("Counter", "A CQL counter (64-bit signed integer) as a string.", asString, (v) => types.Long.fromString(integerText(v))),
  ascii: scalar("Ascii", "A CQL ascii string.", asString, (v) => {
    const s = str(v, "ascii text");
    if (!/^[\x00-\x7f]*$/.test(s)) throw new TypeError("not ASCII");
    return s;
  }),
  decimal: scalar("Decimal", "A CQL decimal as a string, e.g. \"1.5\".", asString,
    (v) => parseDecimal(typeof v === "number" ? String(v) : str(v, "a decimal"))),
  varint: scalar("Varint", "A CQL varint (arbitrary-precision integer) as a string.", asString, (v) => types.Integer.fromString(integerText(v))),
  float: scalar("Float32", "A CQL float (32-bit IEEE-754).", (v) => Number(v), (v) => {
    const n = typeof v === "string" ? Number(v) : v;
    if (typeof n !== "number" || Number.isNaN(n)) throw new TypeError(`${JSON.stringify(v)} is not a number`);
    return n;
  }),
  blob: scalar("Blob", "A CQL blob as a base64 string.", (v) => Buffer.from(v as Uint8Array).toString("base64"), (v) => {
    const s = str(v, "base64");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new TypeError("not base64");
    return Buffer.from(s, "base64");
  }),
  smallint: scalar("SmallInt", "A CQL smallint (16-bit signed integer).", (v) => Number(v), intIn(16)),
  tinyint: scalar("TinyInt", "A CQL tinyint (8-bit signed integer).", (v) => Number(v), intIn(8)),
  timestamp: scalar("Timestamp", "A CQL timestamp as an ISO-8601 string; milliseconds since the epoch are accepted on input.",
    (v) => instantText(v instanceof Date ? v : parseTimestamp(v)), parseTimestamp),
  time: scalar("Time", "A CQL time as a string, e.g. \"10:15:30.123456789\".", asString, (v) => types.LocalTime.fromString(str(v, "a time"))),
};

/** The GraphQL type of a CQL basic type: the built-ins where they fit exactly, else a custom scalar. */
export function basicGraphqlType(cqlName: string): GraphQLScalarType {
  switch (cqlName) {
    case "text": case "varchar": return GraphQLString;
    case "int": return GraphQLInt;
    case "double": return GraphQLFloat;
    case "boolean": return GraphQLBoolean;
    default: {
      const s = cqlScalars[cqlName];
      if (!s) throw new Error(`no GraphQL scalar for CQL type ${cqlName}`);
      return s;
    }
  }
}

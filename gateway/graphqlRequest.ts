// One GraphQL request over HTTP the way Stargate takes it: GET with ?query=&variables=&operationName=,
// POST with a JSON body {query, variables, operationName} or an application/graphql body. Parsing,
// validation (with the request bounds) and execution errors come back as GraphQL errors, never a crash.
import { DocumentNode, execute, getOperationAST, GraphQLError, GraphQLSchema, parse, specifiedRules, validate } from "graphql";
import { boundsRule, RequestLimits } from "./limits";

export interface GraphqlParams { readonly query?: unknown; readonly variables?: unknown; readonly operationName?: unknown }
export interface HttpAnswer { readonly status: number; readonly body: unknown }

export const graphqlError = (status: number, message: string): HttpAnswer => ({ status, body: { errors: [{ message }] } });

/** The parameters of a request, or an answer when the request itself is malformed. */
export function requestParams(method: string, url: URL, contentType: string, body: string): GraphqlParams | HttpAnswer {
  if (method === "GET") {
    const variables = url.searchParams.get("variables");
    let parsed: unknown;
    try { parsed = variables ? JSON.parse(variables) : undefined; } catch { return graphqlError(400, "variables is not valid JSON"); }
    return { query: url.searchParams.get("query") ?? undefined, variables: parsed, operationName: url.searchParams.get("operationName") ?? undefined };
  }
  if (method !== "POST") return graphqlError(405, `${method} is not supported; use GET or POST`);
  if (contentType.startsWith("application/graphql")) return { query: body };
  if (!contentType.startsWith("application/json")) return graphqlError(415, "Content-Type must be application/json or application/graphql");
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    if (j === null || typeof j !== "object" || Array.isArray(j)) return graphqlError(400, "the body must be a JSON object {query, variables, operationName}");
    return { query: j.query ?? url.searchParams.get("query") ?? undefined, variables: j.variables, operationName: j.operationName };
  } catch {
    return graphqlError(400, "the body is not valid JSON");
  }
}

const errorJson = (e: GraphQLError): unknown => e.toJSON();

export async function runGraphql(schema: GraphQLSchema, p: GraphqlParams, contextValue: unknown, limits: RequestLimits, method: string): Promise<HttpAnswer> {
  if (typeof p.query !== "string" || p.query.trim() === "") {
    return graphqlError(400, "You must provide a GraphQL query, either as a query parameter or in the request body");
  }
  if (Buffer.byteLength(p.query) > limits.maxQueryBytes) return graphqlError(400, `query is larger than ${limits.maxQueryBytes} bytes`);
  if (p.variables !== undefined && p.variables !== null && (typeof p.variables !== "object" || Array.isArray(p.variables))) {
    return graphqlError(400, "variables must be a JSON object");
  }
  if (p.operationName !== undefined && p.operationName !== null && typeof p.operationName !== "string") {
    return graphqlError(400, "operationName must be a string");
  }
  let document: DocumentNode;
  try {
    document = parse(p.query, { maxTokens: Math.ceil(limits.maxQueryBytes / 2) });
  } catch (e) {
    return { status: 200, body: { errors: [errorJson(e as GraphQLError)] } };
  }
  const invalid = validate(schema, document, [...specifiedRules, boundsRule(limits)]);
  if (invalid.length > 0) return { status: 200, body: { errors: invalid.map(errorJson) } };
  const op = getOperationAST(document, (p.operationName as string | undefined) ?? undefined);
  if (method === "GET" && op?.operation === "mutation") return graphqlError(405, "mutations must be sent with POST");
  const r = await execute({
    schema, document, contextValue, operationName: (p.operationName as string | undefined) ?? undefined,
    variableValues: (p.variables as Record<string, unknown> | undefined) ?? undefined,
  });
  return { status: 200, body: r.errors ? { errors: r.errors.map(errorJson), data: r.data ?? null } : { data: r.data } };
}

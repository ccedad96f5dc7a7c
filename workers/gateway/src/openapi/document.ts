/**
 * @module
 * The OpenAPI 3.1 document of a router, made from its own table: every route whose handler carries
 * a spec (./op.ts) becomes an operation, its body, query and responses described by the same zod
 * schemas that validate them (as JSON Schema 2020-12, which OpenAPI 3.1 uses), with the error every
 * route may answer (the JSON-RPC error object) and the credentials it takes. Pure.
 */
import { z } from "zod";
import { type AnySpec, specOf } from "./op";

/** A row of a Hono router's table (`app.routes`). */
export interface RouteRow {
  method: string;
  path: string;
  handler: unknown;
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

export interface DocumentOptions {
  /** Only the routes whose path starts with one of these. */
  prefixes: readonly string[];
  info: DocumentInfo;
  /** How its errors are wrapped. */
  errors: keyof typeof ERRORS;
}

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema, as it is read (`input`) or written (`output`). */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as Json;
  return json;
}

/** The JSON-RPC error object, the one error model of HTTP and WebSocket alike. */
const ERROR_OBJECT = {
  type: "object",
  required: ["code", "message"],
  properties: {
    code: { type: "integer", description: "JSON-RPC error code, e.g. -32602 for invalid input" },
    message: { type: "string", description: "What was wrong, in words" },
    data: {
      type: "object",
      properties: {
        code: { type: "string", description: "The error's name, e.g. invalid_params" },
        fields: { type: "object", additionalProperties: { type: "string" }, description: "Bad fields" },
      },
    },
  },
} as const;

/** An error of each API, as it answers (test/worker/openapi.test.ts holds them to the envelope). */
export const ERROR_EXAMPLES = {
  admin: {
    error: {
      code: -32602,
      message: "invalid body: see data.fields",
      data: { code: "invalid_body", fields: { cuPerSecond: "Too small: expected number to be >=1" } },
    },
  },
  rpc: {
    jsonrpc: "2.0",
    id: null,
    error: {
      code: -32016,
      message: "invalid API key: check the key, or create a new one",
      data: { code: "unauthorized" },
    },
  },
} as const;

/** How errors are wrapped: the admin API answers `{ error }`, the data API a JSON-RPC response. */
const ERRORS = {
  admin: {
    type: "object",
    required: ["error"],
    properties: { error: { $ref: "#/components/schemas/ErrorObject" } },
  },
  rpc: {
    type: "object",
    required: ["jsonrpc", "id", "error"],
    properties: {
      jsonrpc: { const: "2.0" },
      id: { type: "null" },
      error: { $ref: "#/components/schemas/ErrorObject" },
    },
  },
} as const;

const SECURITY_SCHEMES = {
  adminToken: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An admin JWT (scope)" },
  apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "A tenant's API key" },
} as const;

function securityOf(spec: AnySpec): Json[] {
  if (spec.access === "public") return [];
  if (spec.access === "api-key") return [{ apiKey: [] }];
  return [{ adminToken: [spec.access] }];
}

/** `/tenants/:id/keys` as `/tenants/{id}/keys`, with its parameters. */
function pathOf(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const openApiPath = path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: openApiPath, params };
}

function parametersOf(params: string[], spec: AnySpec): Json[] {
  const out: Json[] = params.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (!spec.query) return out;
  const query = jsonSchemaOf(spec.query, "input") as { properties?: Json; required?: string[] };
  for (const [name, schema] of Object.entries(query.properties ?? {})) {
    out.push({ name, in: "query", required: query.required?.includes(name) ?? false, schema });
  }
  return out;
}

/** A media type object: its schema, and its example when there is one. */
const mediaOf = (schema: Json, example: unknown): Json =>
  example === undefined ? { schema } : { schema, example };

function responsesOf(spec: AnySpec, errors: keyof typeof ERRORS): Json {
  const out: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const content = r.schema
      ? { [r.mediaType ?? "application/json"]: mediaOf(jsonSchemaOf(r.schema, "output"), r.example) }
      : r.mediaType
        ? { [r.mediaType]: { schema: { type: "string" } } }
        : undefined;
    out[status] = content ? { description: r.description, content } : { description: r.description };
  }
  out.default = {
    description: "Refused or failed: the JSON-RPC error object says why",
    content: {
      "application/json": mediaOf({ $ref: "#/components/schemas/Error" }, ERROR_EXAMPLES[errors]),
    },
  };
  return out;
}

/** The operation of one route. */
function operationOf(
  method: string,
  path: string,
  params: string[],
  spec: AnySpec,
  errors: keyof typeof ERRORS,
): Json {
  const operation: Json = {
    operationId: `${method}${path.replace(/[{}]/g, "").replace(/(^|[/_-])([a-zA-Z0-9])/g, (_, __, c) => c.toUpperCase())}`,
    summary: spec.summary,
    tags: [spec.tag],
    security: securityOf(spec),
    parameters: parametersOf(params, spec),
    responses: responsesOf(spec, errors),
  };
  if (spec.description) operation.description = spec.description;
  if (spec.body) {
    operation.requestBody = {
      required: true,
      content: { "application/json": mediaOf(jsonSchemaOf(spec.body, "input"), spec.bodyExample) },
    };
  }
  return operation;
}

/** The document of every described route of `routes` under the prefixes. */
export function openApiDocument(
  routes: readonly RouteRow[],
  { prefixes, info, errors }: DocumentOptions,
): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const spec = specOf(route.handler);
    if (!spec || !prefixes.some((prefix) => route.path.startsWith(prefix))) continue;
    const { path, params } = pathOf(route.path);
    const method = route.method.toLowerCase();
    paths[path] ??= {};
    (paths[path] as Json)[method] = operationOf(method, path, params, spec, errors);
  }
  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: {
        Error: { ...ERRORS[errors], examples: [ERROR_EXAMPLES[errors]] },
        ErrorObject: ERROR_OBJECT,
      },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

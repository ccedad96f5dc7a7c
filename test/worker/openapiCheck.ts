// Every admin API answer a worker test receives is held to the route's own description (the zod
// schema its OpenAPI document is made from, workers/gateway/src/openapi): a success to the schema of
// its status, an error to the error envelope. A route without a description fails the test too.
// The public API's answers are held to theirs the same way (checkPublicAnswer), its errors to the
// JSON-RPC error response.
import { z } from "zod";
import { admin as adminApi } from "../../workers/gateway/src/admin/api";
import { type AnySpec, specOf } from "../../workers/gateway/src/openapi/op";
import { publicRoutes } from "../../workers/gateway/src/publicRoutes";

/** The public routes left undescribed on purpose: the document itself, and GET /v1/:chain/:key? (use POST). */
export const UNDESCRIBED_PUBLIC = ["/v1/openapi.json", "/v1/:chain/:key?"];

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  spec: AnySpec | undefined;
}

const tableOf = (routes: readonly { method: string; path: string; handler: unknown }[]): Route[] =>
  routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({
      method: r.method,
      path: r.path,
      pattern: new RegExp(`^${r.path.replace(/\./g, "\\.").replace(/:[A-Za-z0-9_]+/g, "[^/]+")}/?$`),
      spec: specOf(r.handler),
    }));

const adminRoutes = tableOf(adminApi.routes);
const publicTable = tableOf(publicRoutes.routes.filter((r) => !UNDESCRIBED_PUBLIC.includes(r.path)));

const ErrorObject = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export const AdminError = z.strictObject({ error: ErrorObject });
export const RpcError = z.strictObject({ jsonrpc: z.literal("2.0"), id: z.null(), error: ErrorObject });

function check(
  routes: Route[],
  envelope: z.ZodType,
  method: string,
  path: string,
  status: number,
  body: unknown,
): void {
  const bare = path.split("?")[0] as string;
  const route = routes.find((r) => r.method === method && r.pattern.test(bare));
  if (!route) return; // no route of this API: the router's own 404, not this API's answer
  if (!route.spec)
    throw new Error(`${method} ${route.path} has no description (op) for the OpenAPI document`);
  if (status >= 400) {
    const error = envelope.safeParse(body);
    if (!error.success)
      throw new Error(`${method} ${path} -> ${status}: not the error envelope: ${error.error.message}`);
    return;
  }
  const answer = route.spec.responses[status];
  if (!answer)
    throw new Error(`${method} ${route.path} answered ${status}, which its description does not list`);
  if (!answer.schema) return;
  const parsed = answer.schema.safeParse(body);
  if (!parsed.success) {
    throw new Error(
      `${method} ${path} -> ${status} does not match its documented schema: ${parsed.error.message}`,
    );
  }
  // zod drops fields it does not know: a field the description leaves out (a leaked hash, say) is a
  // difference between what was answered and what was parsed.
  const extra = extraFields(body, parsed.data);
  if (extra.length > 0) {
    throw new Error(
      `${method} ${path} -> ${status} answers fields its description lacks: ${extra.join(", ")}`,
    );
  }
}

/** Paths of the fields in `answered` that `parsed` (the same value through its schema) does not have. */
export function extraFields(answered: unknown, parsed: unknown, at = ""): string[] {
  if (Array.isArray(answered) && Array.isArray(parsed)) {
    return answered.flatMap((item, i) => extraFields(item, parsed[i], `${at}[${i}]`));
  }
  if (!isObject(answered) || !isObject(parsed)) return [];
  return Object.keys(answered).flatMap((key) =>
    key in parsed ? extraFields(answered[key], parsed[key], `${at}.${key}`) : [`${at}.${key}`],
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Throws when `body`, answered with `status` to `method path` (under /admin/v1), is not what the route says. */
export function checkAnswer(method: string, path: string, status: number, body: unknown): void {
  check(adminRoutes, AdminError, method, path, status, body);
}

/** Throws when `body`, answered with `status` to `method path` (/v1/..., /healthz, /status.json), is not what the route says. */
export function checkPublicAnswer(method: string, path: string, status: number, body: unknown): void {
  check(publicTable, RpcError, method, path, status, body);
}

/** Every described route of both APIs: `GET /plans` (admin paths under /admin/v1), `GET /v1/usage`. */
export const describedRoutes = (): { where: string; spec: AnySpec }[] =>
  [...adminRoutes, ...publicTable].flatMap((r) =>
    r.spec ? [{ where: `${r.method} ${r.path}`, spec: r.spec }] : [],
  );

/** Why `example` is not an answer `schema` describes: refused, or a field the schema would drop. */
export function exampleProblems(schema: z.ZodType | undefined, example: unknown): string[] {
  if (!schema) return ["an example without a schema"];
  const parsed = schema.safeParse(example);
  if (!parsed.success) return [parsed.error.message];
  return extraFields(example, parsed.data).map((field) => `${field} is not in the schema`);
}

/**
 * What is wrong with a spec's examples: a body without its example, a body example the body refuses,
 * an answer example its schema refuses or with a field the schema drops.
 */
export function specExampleProblems(spec: AnySpec): string[] {
  const problems: string[] = [];
  if (spec.body && spec.bodyExample === undefined) problems.push("a body without bodyExample");
  if (!spec.body && spec.bodyExample !== undefined) problems.push("a bodyExample without a body");
  if (spec.body && spec.bodyExample !== undefined) {
    const parsed = spec.body.safeParse(spec.bodyExample);
    if (!parsed.success) problems.push(`bodyExample: ${parsed.error.message}`);
  }
  for (const [status, answer] of Object.entries(spec.responses)) {
    if (answer.example === undefined) continue;
    problems.push(...exampleProblems(answer.schema, answer.example).map((p) => `${status}: ${p}`));
  }
  return problems;
}

/** The answers with a schema but no example: `GET /plans 200`. */
export const answersWithoutExample = (routes: { where: string; spec: AnySpec }[]): string[] =>
  routes.flatMap(({ where, spec }) =>
    Object.entries(spec.responses)
      .filter(([, answer]) => answer.schema && answer.example === undefined)
      .map(([status]) => `${where} ${status}`),
  );

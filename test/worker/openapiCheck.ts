// Every admin API answer a worker test receives is held to the route's own description (the zod
// schema its OpenAPI document is made from, workers/gateway/src/openapi): a success to the schema of
// its status, an error to the error envelope. A route without a description fails the test too.
import { z } from "zod";
import { admin as adminApi } from "../../workers/gateway/src/admin/api";
import { specOf } from "../../workers/gateway/src/openapi/op";

const routes = adminApi.routes
  .filter((r) => r.method !== "ALL")
  .map((r) => ({
    method: r.method,
    path: r.path,
    pattern: new RegExp(`^${r.path.replace(/:[A-Za-z0-9_]+/g, "[^/]+")}/?$`),
    spec: specOf(r.handler),
  }));

const AdminError = z.strictObject({
  error: z.object({
    code: z.number().int(),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Throws when `body`, answered with `status` to `method path` (under /admin/v1), is not what the route says. */
export function checkAnswer(method: string, path: string, status: number, body: unknown): void {
  const bare = path.split("?")[0] as string;
  const route = routes.find((r) => r.method === method && r.pattern.test(bare));
  if (!route) return; // not a route of the admin API: the router's 404, itself an error below
  if (!route.spec)
    throw new Error(`${method} ${route.path} has no description (op) for the OpenAPI document`);
  if (status >= 400) {
    const error = AdminError.safeParse(body);
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
}

/** Reads a JSON body or a query string against a zod schema; bad input becomes a 400 that names each bad field. */
import type { Context } from "hono";
import type { z } from "zod";
import { InvalidBodyError } from "../../../../shared/errors/kinds";

export async function validBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new InvalidBodyError("invalid body: send a JSON object with Content-Type: application/json");
  }
  return valid(schema, body, "body");
}

export function validQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return valid(schema, c.req.query(), "query");
}

function valid<S extends z.ZodType>(schema: S, input: unknown, what: "body" | "query"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join(".") || `(${what})`] = issue.message;
  throw new InvalidBodyError(`invalid ${what}: see data.fields`, { data: { fields } });
}

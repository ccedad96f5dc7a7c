/** Reads a JSON body against a zod schema; bad input becomes a 400 that names each bad field. */
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
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join(".") || "(body)"] = issue.message;
  throw new InvalidBodyError("invalid body: see data.fields", { data: { fields } });
}

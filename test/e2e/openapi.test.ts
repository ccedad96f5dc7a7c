// The admin API's OpenAPI document, as a running gateway serves it, is a valid OpenAPI 3.1 document
// (checked against the specification's own JSON Schema, @seriousme/openapi-schema-validator).
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect, inject, test } from "vitest";

test("GET /admin/v1/openapi.json validates against the OpenAPI 3.1 schema", async () => {
  const res = await fetch(`${inject("gatewayUrl")}/admin/v1/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  const validator = new Validator();
  const result = await validator.validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
  expect(Object.keys(doc.paths).length).toBeGreaterThan(25);
});

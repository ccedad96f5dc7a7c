// The OpenAPI documents of the admin API and of the public API, as a running gateway serves them, are
// valid OpenAPI 3.1 documents (checked against the specification's own JSON Schema,
// @seriousme/openapi-schema-validator).
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect, inject, test } from "vitest";

async function validated(path: string): Promise<{ openapi: string; paths: Record<string, unknown> }> {
  const res = await fetch(`${inject("gatewayUrl")}${path}`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  const validator = new Validator();
  const result = await validator.validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
  return doc;
}

test("GET /admin/v1/openapi.json validates against the OpenAPI 3.1 schema", async () => {
  const doc = await validated("/admin/v1/openapi.json");
  expect(Object.keys(doc.paths).length).toBeGreaterThan(25);
});

test("GET /v1/openapi.json validates against the OpenAPI 3.1 schema", async () => {
  const doc = await validated("/v1/openapi.json");
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(["/v1/usage", "/v1/prices", "/v1/validators/{network}", "/status.json"]),
  );
});

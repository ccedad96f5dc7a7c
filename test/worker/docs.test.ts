// The API reference page, rendered from the OpenAPI documents the gateway serves: every operation
// of both documents has its section, with its method, path and who may call it; a body's fields are
// listed; no script at all and the strict CSP; no upstream URL or key.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { call } from "./fixtures";

type Document = { paths: Record<string, Record<string, { operationId: string; summary: string }>> };

describe("GET /docs", () => {
  test("has a section for every operation of the admin and the public documents", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script/);
    expect(html).toContain('href="/admin/v1/openapi.json"');
    expect(html).toContain('href="/v1/openapi.json"');
    let operations = 0;
    for (const url of ["/admin/v1/openapi.json", "/v1/openapi.json"]) {
      const doc = (await (await call(url)).json()) as Document;
      for (const ops of Object.values(doc.paths)) {
        for (const op of Object.values(ops)) {
          expect(html, op.operationId).toContain(`<section class="op" id="${op.operationId}"`);
          operations++;
        }
      }
    }
    expect(operations).toBeGreaterThan(50);
    // A body's fields, and who may call an operation.
    expect(html).toMatch(/<code>planId<\/code><\/th><td>string<\/td><td>yes<\/td>/);
    expect(html).toContain("admin token, admin:write");
    expect(html).toContain("an API key (x-api-key)");
    expect(html).not.toContain(env.TEST_ANVIL_URL);
    // Examples, folded: a body's (POST /admin/v1/plans) and an answer's (the plan made, its id).
    expect(html).toMatch(
      /<details class="example"><summary>Example<\/summary><pre>\{\n {2}&quot;name&quot;: &quot;Growth&quot;/,
    );
    expect(html).toMatch(/<summary>Example<\/summary><pre>\{\n {2}&quot;id&quot;: &quot;pln_/);
  });
});

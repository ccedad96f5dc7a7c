// The admin API's OpenAPI document against the router that serves it: every route the admin API
// serves is in the document and every operation in the document is served, each with its summary,
// credentials, parameters, body and answers made from the route's own zod schemas. (Every admin
// answer the worker tests receive is also held to it: ./openapiCheck.ts. test/e2e/openapi.test.ts
// validates the document against the OpenAPI 3.1 schema.)
import { describe, expect, test } from "vitest";
import { admin as adminApi } from "../../workers/gateway/src/admin/api";
import { call } from "./fixtures";

type Operation = {
  summary: string;
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { "application/json": { schema: { type?: string } } } };
  responses: Record<string, unknown>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function adminDocument(): Promise<Document> {
  const res = await call("/admin/v1/openapi.json");
  expect(res.status).toBe(200);
  return res.json();
}

const openApiPath = (path: string) => `/admin/v1${path}`.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("GET /admin/v1/openapi.json", () => {
  test("lists exactly the routes the admin API serves, no more, no fewer", async () => {
    const doc = await adminDocument();
    expect(doc.openapi).toBe("3.1.0");
    const served = adminApi.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(served.length).toBeGreaterThan(40);
    expect(documented).toEqual(served);
  });

  test("describes each operation: summary, token scope, path and query parameters, body, answers, errors", async () => {
    const doc = await adminDocument();
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.summary, where).toMatch(/^[A-Z]/);
        const scope = method === "get" ? "admin:read" : "admin:write";
        expect(op.security, where).toEqual([{ adminToken: [scope] }]);
        expect(
          op.parameters.filter((p) => p.in === "path").map((p) => p.name),
          where,
        ).toEqual(names);
        expect(Object.keys(op.responses), where).toContain("default");
        expect(
          Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
          where,
        ).toBe(true);
      }
    }
    const create = doc.paths["/admin/v1/plans"]?.post;
    expect(create?.requestBody?.content["application/json"].schema.type).toBe("object");
    const metrics = doc.paths["/admin/v1/metrics/{chain}"]?.get;
    expect(metrics?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(["path:chain", "query:from", "query:to", "query:step", "query:tenant"]),
    );
  });

  test("is public (it describes the API and holds no data); the API it describes still needs a token", async () => {
    expect((await call("/admin/v1/openapi.json")).status).toBe(200);
    expect((await call("/admin/v1/plans")).status).toBe(401);
  });
});

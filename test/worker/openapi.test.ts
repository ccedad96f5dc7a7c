// The OpenAPI documents against the routers that serve them: every route the admin API (and the
// public API: /v1, /healthz, /status.json) serves is in its document and every operation in the
// document is served, each with its summary, credentials, parameters, body and answers made from the
// route's own zod schemas. (Every admin answer the worker tests receive is also held to it, and here
// every public route's answers: ./openapiCheck.ts. test/e2e/openapi.test.ts validates both documents
// against the OpenAPI 3.1 schema.)
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { writePrice } from "../../shared/stores/prices";
import { writeValidatorSnapshot } from "../../shared/stores/validators";
import { admin as adminApi } from "../../workers/gateway/src/admin/api";
import { ERROR_EXAMPLES } from "../../workers/gateway/src/openapi/document";
import type { AnySpec } from "../../workers/gateway/src/openapi/op";
import { publicRoutes } from "../../workers/gateway/src/publicRoutes";
import { call, fixture } from "./fixtures";
import {
  AdminError,
  answersWithoutExample,
  checkPublicAnswer,
  describedRoutes,
  RpcError,
  specExampleProblems,
  UNDESCRIBED_PUBLIC,
} from "./openapiCheck";

type Operation = {
  summary: string;
  security: Record<string, string[]>[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { "application/json": { schema: { type?: string }; example?: unknown } } };
  responses: Record<string, { content?: { "application/json"?: { example?: unknown } } }>;
};
type Document = {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[]; examples?: unknown[] }> };
};

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

async function publicDocument(): Promise<Document> {
  const res = await call("/v1/openapi.json");
  expect(res.status).toBe(200);
  return res.json();
}

const operationsOf = (doc: Document) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

describe("GET /v1/openapi.json", () => {
  test("lists exactly the public routes served, but the document itself and GET /v1/{chain}/{key} (use POST)", async () => {
    const doc = await publicDocument();
    expect(doc.openapi).toBe("3.1.0");
    const served = publicRoutes.routes
      .filter((r) => r.method !== "ALL" && !UNDESCRIBED_PUBLIC.includes(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`)
      .sort();
    expect(operationsOf(doc)).toEqual(served);
    expect(served).toEqual(
      [
        "GET /healthz",
        "GET /status.json",
        "GET /v1/usage",
        "GET /v1/prices",
        "GET /v1/prices/{pair}",
        "GET /v1/validators/{network}",
        "GET /v1/{chain}/health",
        "GET /v1/{chain}/{key}/health",
      ].sort(),
    );
    // Only the two left out are served undescribed; the admin API has a document of its own.
    const routes = publicRoutes.routes.filter((r) => r.method !== "ALL").map((r) => r.path);
    expect(routes.filter((p) => UNDESCRIBED_PUBLIC.includes(p)).sort()).toEqual(
      [...UNDESCRIBED_PUBLIC].sort(),
    );
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/admin/"))).toBe(false);
  });

  test("says who may call each operation: an API key for the data, anyone for liveness and status", async () => {
    const doc = await publicDocument();
    const security = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([m, op]) => [`${m} ${path}`, op.security]),
      ),
    );
    const apiKey = [{ apiKey: [] }];
    expect(security).toEqual({
      "get /v1/usage": apiKey,
      "get /v1/prices": apiKey,
      "get /v1/prices/{pair}": apiKey,
      "get /v1/validators/{network}": apiKey,
      "get /v1/{chain}/health": apiKey,
      "get /v1/{chain}/{key}/health": apiKey,
      "get /healthz": [],
      "get /status.json": [],
    });
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path}`).toMatch(/^[A-Z]/);
        expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(names);
        expect(Object.keys(op.responses)).toEqual(["200", "default"]);
      }
    }
    const query = (path: string) =>
      doc.paths[path]?.get?.parameters.filter((p) => p.in === "query").map((p) => p.name);
    expect(query("/v1/validators/{network}")).toEqual(["by", "limit"]);
    expect(query("/v1/usage")).toEqual(["from", "to", "keyId"]);
    // Errors are JSON-RPC responses with id null, as the data API answers them.
    expect(doc.components.schemas.Error?.required).toEqual(["jsonrpc", "id", "error"]);
  });

  test("every public answer matches its documented schema, and every refusal the JSON-RPC error", async () => {
    const f = await fixture();
    const pair = `O${crypto.randomUUID().slice(0, 6).toUpperCase().replace(/-/g, "")}/USD`;
    const now = new Date().toISOString();
    await writePrice(env.CONFIG_KV, {
      pair,
      price: "3012.45",
      answer: "301245000000",
      decimals: 8,
      roundId: "18446744073709551617",
      updatedAt: now,
      heartbeatSeconds: 3600,
      chain: f.chain,
      feed: "0x0000000000000000000000000000000000000001",
      checkedAt: now,
      stale: false,
    });
    const network = `p-${crypto.randomUUID().slice(0, 8)}`;
    await writeValidatorSnapshot(env.CONFIG_KV, {
      network,
      at: new Date(Date.now() - 3_600_000).toISOString(),
      checkedAt: now,
      stale: false,
      dropped: 0,
      count: 1,
      connected: 1,
      totalStake: "2000000000000",
      totalDelegated: "0",
      validators: [
        {
          nodeID: "NodeID-1",
          stake: "2000000000000",
          delegated: "0",
          delegatorCount: 0,
          delegationFee: 2,
          uptime: 99.5,
          connected: true,
          endTime: now,
        },
      ],
    });
    const keyed = { headers: { "x-api-key": f.key } };
    const answers: [string, RequestInit | undefined, number][] = [
      ["/v1/usage", keyed, 200],
      ["/v1/usage?from=2026-01-01", keyed, 200],
      ["/v1/prices", keyed, 200],
      [`/v1/prices/${pair.replace("/", "-")}`, keyed, 200],
      [`/v1/validators/${network}?by=uptime&limit=5`, keyed, 200],
      [`/v1/${f.chain}/health`, keyed, 200],
      [`/v1/${f.chain}/${f.key}/health`, undefined, 200],
      ["/healthz", undefined, 200],
      ["/status.json", undefined, 200],
      ["/v1/usage", undefined, 401],
      ["/v1/usage?from=yesterday", keyed, 400],
      ["/v1/prices/NOPE-USD", keyed, 404],
      [`/v1/validators/${network}?limit=0`, keyed, 400],
      [`/v1/validators/${network}?limit=0`, undefined, 401],
      ["/v1/validators/nowhere", keyed, 404],
      [`/v1/${f.chain}/health`, undefined, 401],
    ];
    for (const [path, init, status] of answers) {
      const res = await call(path, init);
      const body = await res.json();
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      checkPublicAnswer("GET", path, res.status, body);
    }
    // The snapshot is an hour old: served stale, with its reason, which the schema describes too.
    const validators = await call(`/v1/validators/${network}`, keyed);
    expect(await validators.json()).toMatchObject({ stale: true, staleReason: expect.any(String) });
  });

  test("is public and cached; the data it describes still needs a key", async () => {
    const res = await call("/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await call("/v1/prices")).status).toBe(401);
  });
});

// The examples are the specs' own (bodyExample, a response's example): none can drift from its schema.
describe("examples", () => {
  /** The main resources: each of their answers with a schema has an example. */
  const MAIN = /^[A-Z]+ \/(plans|tenants|keys|chains|price-feeds|sanction-sources|v1\/usage$|v1\/prices)/;

  test("every body example parses with its body, every answer example with its schema (no dropped field)", () => {
    const routes = describedRoutes();
    // Also: every route with a body has a bodyExample, so a new one must bring its own.
    expect(routes.flatMap((r) => specExampleProblems(r.spec).map((p) => `${r.where}: ${p}`))).toEqual([]);
    const main = routes.filter((r) => MAIN.test(r.where) && !r.where.endsWith("/health"));
    expect(main.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.spec.bodyExample !== undefined).length).toBeGreaterThanOrEqual(16);
    expect(answersWithoutExample(main)).toEqual([]);
    // An answer never holds an upstream URL, a key or a secret: only placeholders.
    const answers = JSON.stringify(routes.map((r) => Object.values(r.spec.responses).map((a) => a.example)));
    expect(answers).not.toMatch(/example-provider|rpc_[A-Za-z0-9_-]{32}|rpcsk_[A-Za-z0-9_-]{20}/);
    expect(AdminError.safeParse(ERROR_EXAMPLES.admin).success).toBe(true);
    expect(RpcError.safeParse(ERROR_EXAMPLES.rpc).success).toBe(true);
  });

  test("the checks catch a drift: a missing or refused body example, a field an answer's schema drops", () => {
    const n = z.object({ n: z.number() });
    const responses = { 200: { description: "d", schema: n, example: { n: 1, hash: "x" } } };
    const spec: AnySpec = { summary: "D", tag: "T", access: "public", body: n.strict(), responses };
    expect(specExampleProblems(spec)).toEqual([
      "a body without bodyExample",
      "200: .hash is not in the schema",
    ]);
    expect(specExampleProblems({ ...spec, bodyExample: { n: "1" } })[0]).toMatch(/^bodyExample: /);
    const bare = { ...spec, responses: { 200: { description: "d", schema: n } } };
    expect(answersWithoutExample([{ where: "GET /x", spec: bare }])).toEqual(["GET /x 200"]);
  });

  test("the served documents carry them: bodies, answers and the error", async () => {
    const admin = await adminDocument();
    const create = admin.paths["/admin/v1/plans"]?.post;
    expect(create?.requestBody?.content["application/json"].example).toMatchObject({ name: "Growth" });
    const made = create?.responses["201"]?.content?.["application/json"]?.example;
    expect(made).toMatchObject({ id: expect.stringMatching(/^pln_/) });
    expect(create?.responses.default?.content?.["application/json"]?.example).toEqual(ERROR_EXAMPLES.admin);
    expect(admin.components.schemas.Error?.examples).toEqual([ERROR_EXAMPLES.admin]);
    const upstream = admin.paths["/admin/v1/chains/{chain}/upstreams"]?.post?.requestBody;
    expect(upstream?.content["application/json"].example).toMatchObject({ url: expect.any(String) });
    const pub = await publicDocument();
    const prices = pub.paths["/v1/prices"]?.get?.responses["200"]?.content?.["application/json"];
    expect(prices?.example).toMatchObject({ prices: [{ pair: "ETH/USD" }] });
    expect(pub.components.schemas.Error?.examples).toEqual([ERROR_EXAMPLES.rpc]);
  });
});

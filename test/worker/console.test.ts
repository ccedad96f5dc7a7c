// The operator console as served (without a browser): a frame with no data in it under the strict
// CSP, its script modules from /assets/console/, and the admin API's audit listing the console
// reads (newest first, by chain, paged, bad queries refused, reading needs an admin token).
// test/e2e/pages/console.test.ts drives it in Chromium.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import type { AuditLogRow } from "../../shared/audit/rows";
import { admin, adminRaw, adminToken, call, fixture } from "./fixtures";

/** A row as GET /admin/v1/audit lists it: without its values and links. */
type AuditRow = Pick<AuditLogRow, "id" | "chain" | "seq" | "at" | "actor" | "action" | "target">;

describe("GET /console", () => {
  test("is a frame with its sign-in form and script module, no data, under the strict CSP", async () => {
    const f = await fixture();
    const res = await call("/console");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).toContain('<label for="token">Admin token</label>');
    expect(html).toContain('<script type="module" src="/assets/console/main.browser.js">');
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\//);
    expect(html).not.toContain(f.tenantId);
    expect(html).not.toContain(env.TEST_ANVIL_URL);
  });

  test("serves each script module the console imports, and nothing else under /assets/console", async () => {
    const main = await call("/assets/console/main.browser.js");
    expect(main.status).toBe(200);
    expect(main.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const source = await main.text();
    const imported = [...source.matchAll(/from "\.\/([a-z]+\.browser\.js)"/g)].map((m) => m[1]);
    expect(imported).toEqual(
      ["api", "chains", "dom", "ops", "tenants", "usage"].map((m) => `${m}.browser.js`),
    );
    for (const file of imported) {
      const res = await call(`/assets/console/${file}`);
      expect(res.status, file).toBe(200);
      expect(await res.text()).toContain("@module");
    }
    expect((await call("/assets/console/files.ts")).status).toBe(404);
    expect((await call("/assets/console/constructor")).status).toBe(404);
  });
});

describe("GET /admin/v1/audit", () => {
  test("lists a chain's newest rows first, pages with before, and refuses a bad query", async () => {
    const f = await fixture();
    await admin("PATCH", `/tenants/${f.tenantId}`, { name: "renamed by the audit test" });
    const { rows } = await admin<{ rows: AuditRow[] }>("GET", "/audit?limit=3");
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ chain: "admin", action: "tenant.update", target: f.tenantId });
    expect(Object.keys(rows[0] as AuditRow).sort()).toEqual([
      "action",
      "actor",
      "at",
      "chain",
      "id",
      "seq",
      "target",
    ]);
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => b - a));
    const older = await admin<{ rows: AuditRow[] }>("GET", `/audit?limit=2&before=${rows[0]?.seq}`);
    expect(older.rows.map((r) => r.id)).toEqual(rows.slice(1, 3).map((r) => r.id));
    const screening = await admin<{ rows: AuditRow[] }>("GET", "/audit?chain=screening&limit=200");
    expect(screening.rows.every((r) => r.chain === "screening")).toBe(true);
    for (const bad of ["limit=0", "limit=201", "chain=other", "before=x", "extra=1"]) {
      const res = await adminRaw("GET", `/audit?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/./);
    }
  });

  test("needs an admin token; a read-only one may list", async () => {
    expect((await call("/admin/v1/audit")).status).toBe(401);
    const token = await adminToken({ scope: "admin:read" });
    const res = await call("/admin/v1/audit?limit=1", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rows: unknown[] }).rows).toHaveLength(1);
  });
});

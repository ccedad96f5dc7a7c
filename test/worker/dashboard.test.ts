// The tenant dashboard as served (HTML, without a browser): the form, a key authenticated as the API
// authenticates it (the same refusals and statuses, never a 500 for what a client sends), and one
// key's page: its calls by day and method family, its errors by code, its limits and month, under
// the strict CSP, with neither the key nor an upstream URL anywhere, and only the key's own usage.
// test/e2e/pages/dashboard.test.ts draws it in Chromium.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { GatewayError } from "../../shared/errors/base";
import * as errorKinds from "../../shared/errors/kinds";
import { codeName } from "../../workers/gateway/src/pages/dashboardErrors";
import { admin, call, type Fixture, fixture, rpc } from "./fixtures";

const balance = (i: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id: i,
    method: "eth_getBalance",
    params: [`0x${String(i).padStart(40, "0")}`, "latest"],
  });

/** `times` eth_getBalance calls with `f`'s key, each answered 200. */
async function callsWith(f: Fixture, times: number): Promise<void> {
  for (let i = 0; i < times; i++) expect((await rpc(f, balance(i))).status).toBe(200);
}

/** POSTs the form with `key` (form-encoded, as a browser sends it), its secret if given, and these headers. */
function postKey(key: string, headers: Record<string, string> = {}, secret?: string): Promise<Response> {
  return call("/dashboard", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(secret === undefined ? { key } : { key, secret }).toString(),
  });
}

/** Opens `f`'s dashboard at once: the view sends this isolate's usage report before it reads. */
async function dashboardOf(f: Fixture): Promise<string> {
  const res = await postKey(f.key);
  expect(res.status).toBe(200);
  return res.text();
}

const cell = (html: string, attr: string) =>
  new RegExp(`<tr ${attr}>.*?data-calls="(\\d+)"`, "s").exec(html)?.[1];

function expectPageHeaders(res: Response): void {
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
}

describe("GET /dashboard", () => {
  test("is a form with a labelled password field for the key, posted to itself", async () => {
    const res = await call("/dashboard");
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain('<label for="key">API key</label>');
    expect(html).toMatch(/<input id="key" name="key" type="password" autocomplete="off"/);
    expect(html).toContain('<form method="post" action="/dashboard"');
    expect(html).toContain('<button type="submit">');
    // A key in the URL is never read: the form again, no data.
    const f = await fixture();
    const withQuery = await (await call(`/dashboard?key=${f.key}`)).text();
    expect(withQuery).not.toContain("page-data");
    expect(withQuery).not.toContain(f.key);
  });
});

describe("POST /dashboard refusals", () => {
  test("a wrong key is 401 with the API's message, in the form again, and the key is not echoed", async () => {
    const wrong = "rpc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const res = await postKey(wrong, { "cf-connecting-ip": "203.0.113.71" });
    expect(res.status).toBe(401);
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("invalid API key");
    expect(html).toContain('aria-invalid="true"');
    expect(html).not.toContain(wrong);
  });

  test("a missing key is 400, another body type 415, a huge form 413: never a 500", async () => {
    const missing = await call("/dashboard", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "key=",
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("enter an API key");
    const json = await call("/dashboard", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"key":"x"}',
    });
    expect(json.status).toBe(415);
    expectPageHeaders(json);
    const none = await call("/dashboard", { method: "POST" });
    expect(none.status).toBe(415);
    const huge = await postKey("x".repeat(10_000));
    expect(huge.status).toBe(413);
    const garbage = await call("/dashboard", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "key=%E0%A4%A&&=%",
    });
    expect(garbage.status).toBeLessThan(500);
  });

  test("a key's origin list applies as on the API: another origin is 403, its own is served", async () => {
    const f = await fixture();
    await admin("PATCH", `/keys/${f.keyId}`, { allowedOrigins: ["https://app.example.com"] });
    const refused = await postKey(f.key, { origin: "https://evil.example.net" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("origin");
    expect((await postKey(f.key, { origin: "https://app.example.com" })).status).toBe(200);
  });

  test("a browser's form (Origin: null) meets an origin list only with the key's secret, as on the API", async () => {
    const f = await fixture();
    const { secret } = await admin<{ secret: string }>("POST", `/keys/${f.keyId}/secret`);
    await admin("PATCH", `/keys/${f.keyId}`, { allowedOrigins: ["https://app.example.com"] });
    // The pages send no referrer, so a browser posts this form with Origin: null.
    expect((await postKey(f.key, { origin: "null" })).status).toBe(403);
    const wrong = await postKey(f.key, { origin: "null" }, "rpcsk_not-the-secret");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("the key secret does not match");
    const served = await postKey(f.key, { origin: "null" }, secret);
    expect(served.status).toBe(200);
    expect(await served.text()).not.toContain(secret);
  });
});

describe("metering", () => {
  test("a view costs what GET /v1/usage costs: over the key's rate, the API's 429 with Retry-After", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1, burstCu: 10 } });
    expect((await postKey(f.key)).status).toBe(200);
    const refused = await postKey(f.key);
    expect(refused.status).toBe(429);
    expectPageHeaders(refused);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.text()).toContain('role="alert"');
  });
});

describe("POST /dashboard with a key", () => {
  test("shows the calls just made by day and family, the key's name and prefix, limits and month", async () => {
    const f = await fixture({ plan: { cuPerSecond: 500, burstCu: 1_000, monthlyCu: 1_000_000 } });
    await callsWith(f, 4);
    const res = await postKey(f.key).then(async (first) => {
      await first.text();
      return postKey(f.key);
    });
    expect(res.status).toBe(200);
    expectPageHeaders(res);
    expect(res.headers.get("x-ratelimit-limit")).toBe("500");
    const html = await dashboardOf(f);
    expect(cell(html, 'data-family="read"')).toBe("4");
    // Viewing is metered as GET /v1/usage is: the two views before this one, under "usage".
    expect(cell(html, 'data-family="usage"')).toBe("2");
    const today = new Date().toISOString().slice(0, 10);
    expect(cell(html, `data-day="${today}"`)).toBe("6");
    expect(html).toContain(`(${f.key.slice(0, 12)}…)`);
    expect(html).toContain('<dd id="limit-month">1,000,000</dd>');
    expect(html).toMatch(/<dd id="limit-rate">500 /);
    expect(html).toMatch(/<dd id="month-left" data-left="\d+">/);
    // The chart's data: a point per day for 30 days, today's with the calls.
    const block = /<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
    const days = (JSON.parse(block) as { days: { day: string; requests: number }[] }).days;
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toMatchObject({ day: today, requests: 6 });
    for (const tag of html.match(/<script[^>]*>/g) ?? [])
      expect(tag).toMatch(/type="application\/json"|src="\/assets\//);
    expect(html).not.toContain(f.key);
    expect(html).not.toContain(env.TEST_ANVIL_URL);
    expect(html).not.toContain("127.0.0.1");
    expect(html).not.toMatch(/style=/);
  });

  test("has a short name for every JSON-RPC code the gateway answers with", () => {
    type Kind = new (message: string) => GatewayError;
    const kinds = (Object.values(errorKinds) as unknown[]).filter(
      (k): k is Kind => typeof k === "function" && k.prototype instanceof GatewayError,
    );
    expect(kinds.length).toBeGreaterThan(20);
    for (const Kind of kinds) expect(codeName(new Kind("x").rpcCode), Kind.name).toBeDefined();
    expect(codeName(12_345)).toBeUndefined();
  });

  test("shows the key's errors by code with their short names", async () => {
    const f = await fixture();
    await callsWith(f, 1);
    const unknown = await rpc(f, '{"jsonrpc":"2.0","id":1,"method":"eth_noSuchMethod","params":[]}');
    const code = ((await unknown.json()) as { error: { code: number } }).error.code;
    const html = await dashboardOf(f);
    expect(html).toContain(`<tr data-code="${code}"><th scope="row">${code}</th>`);
    expect(html).toMatch(new RegExp(`data-code="${code}">.*?method not found.*?<td>1</td>`, "s"));
    expect(html).toContain('<table id="errors-table"><caption');
  });

  test("another tenant's key shows only its own usage, and each is still served", async () => {
    const victim = await fixture();
    const other = await fixture();
    await callsWith(victim, 3);
    await callsWith(other, 5);
    const [victimPage, otherPage] = [await dashboardOf(victim), await dashboardOf(other)];
    expect(cell(victimPage, 'data-family="read"')).toBe("3");
    expect(cell(otherPage, 'data-family="read"')).toBe("5");
    expect(victimPage).not.toContain(other.key.slice(0, 12));
    expect(otherPage).not.toContain(victim.key.slice(0, 12));
    for (const page of [victimPage, otherPage]) {
      expect(page).not.toContain(victim.key);
      expect(page).not.toContain(other.key);
    }
  });
});

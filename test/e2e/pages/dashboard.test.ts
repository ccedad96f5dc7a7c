// The tenant dashboard in a real Chromium: the key typed into the form with the keyboard and sent
// (never in the URL), then the key's page shows the calls just made through the gateway, draws its
// charts with a point per day, makes no request outside the gateway and breaks no CSP rule.
// A screenshot is saved under test-results/pages.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { launch, screenshot, watchedPage } from "./browser.mjs";

// The page's DOM, as the functions run inside it by page.evaluate see it (this project has no DOM types).
declare const document: {
  querySelectorAll(selector: string): { length: number };
  activeElement: { id: string } | null;
};

const gatewayUrl = inject("gatewayUrl");
const rpcUrl = inject("rpcUrl");
const key = new URL(rpcUrl).pathname.split("/")[3] as string;
const CALLS = 7;

async function callGateway(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "eth_getBalance",
        params: [`0x${String(1_000 + i).padStart(40, "0")}`, "latest"],
      }),
    });
    expect(res.status).toBe(200);
  }
}

/** Opens the form, types the key with the keyboard (Tab to the field, Enter to send) and waits for the key's page. */
async function openWithKeyboard(page: Page): Promise<void> {
  await page.goto(`${gatewayUrl}/dashboard`);
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("key");
  await page.keyboard.type(key);
  await Promise.all([page.waitForURL(`${gatewayUrl}/dashboard`), page.keyboard.press("Enter")]);
  await page.locator("#by-day").waitFor({ timeout: 5_000 });
}

/** The read calls the page counts (eth_getBalance is a read), 0 when it shows none. */
async function readCalls(page: Page): Promise<number> {
  const row = page.locator('tr[data-family="read"] td[data-calls]');
  return (await row.count()) === 0 ? 0 : Number(await row.getAttribute("data-calls"));
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
}, 60_000);
afterAll(async () => browser?.close());

describe("the tenant dashboard in Chromium", () => {
  test("shows the usage of calls just made, with its chart drawn and only same-origin requests", async () => {
    const { page, requests, problems } = await watchedPage(browser);
    await openWithKeyboard(page);
    const before = await readCalls(page);
    await callGateway(CALLS);
    // The isolates report usage about once a second: open the page again until it has the calls.
    let after = before;
    for (let tries = 0; tries < 10 && after < before + CALLS; tries++) {
      await new Promise((r) => setTimeout(r, 500));
      await openWithKeyboard(page);
      after = await readCalls(page);
    }
    expect(after).toBeGreaterThanOrEqual(before + CALLS);
    const today = new Date().toISOString().slice(0, 10);
    const todayCalls = Number(
      await page.locator(`tr[data-day="${today}"] td[data-calls]`).getAttribute("data-calls"),
    );
    expect(todayCalls).toBeGreaterThanOrEqual(after);
    // Both charts drawn by uPlot on a canvas, a point per day for 30 days.
    await page
      .waitForFunction(
        () => document.querySelectorAll('figure[data-chart="days"][data-drawn="30"]').length === 2,
        null,
        {
          timeout: 10_000,
        },
      )
      .catch((err) => {
        throw new Error(`the charts were not drawn: ${err}; the page said: ${problems.join(" | ")}`);
      });
    expect(await page.locator('figure[data-chart="days"] canvas').count()).toBe(2);
    await screenshot(page, "dashboard");
    // The key went in the body: not in any URL, nor anywhere in the page.
    expect(requests.some((url) => url.includes(key))).toBe(false);
    expect(await page.content()).not.toContain(key);
    const origin = new URL(gatewayUrl).origin;
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("is usable by keyboard and screen reader: a labelled field, an announced refusal, table headers", async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${gatewayUrl}/dashboard`);
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    expect(await page.locator("h1").textContent()).toBe("Dashboard");
    const field = page.getByLabel("API key");
    expect(await field.getAttribute("type")).toBe("password");
    // A wrong key: the form again, the API's message in an alert tied to the field.
    await page.keyboard.press("Tab");
    await page.keyboard.type("rpc_not-a-key");
    const [response] = await Promise.all([
      page.waitForResponse(`${gatewayUrl}/dashboard`),
      page.keyboard.press("Enter"),
    ]);
    expect(response.status()).toBe(401);
    expect(await page.getByRole("alert").textContent()).toContain("invalid API key");
    expect(await page.getByLabel("API key").getAttribute("aria-invalid")).toBe("true");
    // The key's page: every chart labelled, every table but uPlot's legends with a caption, header cells.
    await openWithKeyboard(page);
    expect(await page.locator("figure[data-chart]:not([aria-label])").count()).toBe(0);
    expect(await page.locator("table:not(.u-legend):not(:has(caption))").count()).toBe(0);
    expect(await page.locator("th[scope]").count()).toBeGreaterThan(0);
    expect(await page.getByRole("heading", { level: 2 }).count()).toBe(4);
    // The 401 is the one console message the page may cause (Chromium logs a failed load).
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
  });

  test("a key with an origin list opens with its secret: Chromium posts the form with Origin: null", async () => {
    const adminApi = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${gatewayUrl}/admin/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.ok).toBe(true);
      return res.json() as Promise<T>;
    };
    const { tenants } = await adminApi<{ tenants: { id: string; name: string }[] }>("GET", "/tenants");
    const demo = tenants.find((t) => t.name === "demo") as { id: string };
    const listed = await adminApi<{ key: string; secret: string }>("POST", `/tenants/${demo.id}/keys`, {
      name: "origin-listed",
      allowedOrigins: ["https://app.example.com"],
    });
    const { page } = await watchedPage(browser);
    const submit = async (secret: string) => {
      await page.goto(`${gatewayUrl}/dashboard`);
      await page.getByLabel("API key").fill(listed.key);
      await page.getByLabel("Key secret").fill(secret);
      const [response] = await Promise.all([
        page.waitForResponse(`${gatewayUrl}/dashboard`),
        page.getByRole("button", { name: "Show usage" }).click(),
      ]);
      return { status: response.status(), origin: await response.request().headerValue("origin") };
    };
    const without = await submit("");
    expect(without).toEqual({ status: 403, origin: "null" });
    expect(await page.getByRole("alert").textContent()).toContain("origin");
    expect(await submit(listed.secret)).toEqual({ status: 200, origin: "null" });
    expect(await page.content()).not.toContain(listed.secret);
  });
});

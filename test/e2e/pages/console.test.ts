// The operator console in a real Chromium, driven as an operator would: a bad token is refused; the
// seeded admin token signs in; the chains section shows the upstreams and draws its charts; a new
// tenant and a key are created, the key is shown once (and never again), it serves a call, it is
// revoked, and the gateway refuses it with 401 within the stated bound (at once in this location,
// 60 s everywhere) while the seeded key is still served. Usage, jobs, the audit log (verified, with
// the revocation in it) and the compliance report render. Only same-origin requests, no console or
// CSP problem. Screenshots are saved under test-results/pages.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { launch, screenshot, watchedPage } from "./browser.mjs";

// The page's storage, as page.evaluate sees it (this project has no DOM types).
declare const sessionStorage: { length: number };

const gatewayUrl = inject("gatewayUrl");
const rpcUrl = inject("rpcUrl");
const chain = new URL(rpcUrl).pathname.split("/")[2] as string;
/** The stated bound for a revoked key everywhere (README: the config caches' bound). */
const REVOKE_BOUND_MS = 60_000;

async function blockNumber(url: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
}

/** Opens a section from the console's menu and waits until it has loaded. */
async function openSection(page: Page, title: string, id: string) {
  await page.getByRole("button", { name: title, exact: true }).click();
  await page.locator(`section#${id}:not([aria-busy])`).waitFor({ state: "visible" });
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  for (let i = 0; i < 3; i++) expect((await blockNumber(rpcUrl)).status).toBe(200);
}, 60_000);
afterAll(async () => browser?.close());

describe("the operator console in Chromium", () => {
  test("refuses a bad token and keeps the sections hidden", async () => {
    const { page, requests } = await watchedPage(browser);
    await page.goto(`${gatewayUrl}/console`);
    await page.getByLabel("Admin token").fill("eyJhbGciOiJIUzI1NiJ9.e30.bad");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#message").textContent()).toMatch(/^Not signed in: GET \/jobs: /);
    expect(await page.locator("#sections").isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(requests.every((url) => url.startsWith(gatewayUrl))).toBe(true);
  });

  test("signs in, creates a tenant and a key shown once, revokes it, and the key gets 401", async () => {
    const { page, requests, problems } = await watchedPage(browser);
    await page.goto(`${gatewayUrl}/console`);
    await page.getByLabel("Admin token").fill(inject("adminToken"));
    await page.keyboard.press("Enter");
    // Chains: the seeded chain's upstream, its calls and two charts drawn with a point per minute.
    const card = page.locator(`article[aria-labelledby="chain-${chain}"]`);
    await card.locator("figure[data-drawn]").nth(1).waitFor();
    expect(
      await card.locator("figure[data-drawn]").evaluateAll((f) => f.map((x) => x.getAttribute("data-drawn"))),
    ).toEqual(["60", "60"]);
    expect(await card.locator("canvas").count()).toBeGreaterThanOrEqual(2);
    expect(await card.getByRole("button", { name: /^Disable / }).count()).toBeGreaterThan(0);
    await screenshot(page, "console");

    await openSection(page, "Tenants and keys", "tenants");
    const name = `Browser Co ${Date.now()}`;
    await page.getByLabel("Tenant name").fill(name);
    await page.getByRole("button", { name: "Create tenant" }).click();
    await expect.poll(() => page.locator("#message").textContent()).toContain(`Tenant ${name} created`);
    await page.getByRole("button", { name: `Keys of ${name}` }).click();
    await page.getByLabel("Key name").fill("from the console");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.locator("#new-key").textContent({ timeout: 10_000 })) ?? "";
    expect(key.length).toBeGreaterThan(20);
    await screenshot(page, "console-key");
    const keyUrl = `${gatewayUrl}/v1/${chain}/${key}`;
    expect((await blockNumber(keyUrl)).status).toBe(200);

    // Shown once: the list read again has its prefix only.
    await page.getByRole("button", { name: `Keys of ${name}` }).click();
    await page.locator("#keys-title").waitFor();
    await expect.poll(() => page.locator("#new-key").count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    const prefix = key.slice(0, 12);
    expect(await page.locator("#tenant-keys").textContent()).toContain(prefix.slice(0, 8));

    // Revoke: the first click asks, the second revokes.
    await page.getByRole("button", { name: /^Revoke / }).click();
    await page.getByRole("button", { name: /^Confirm: revoke / }).click();
    await expect.poll(() => page.locator("#message").textContent()).toMatch(/revoked/);
    const revokedAt = Date.now();
    let status = 0;
    while (Date.now() - revokedAt < REVOKE_BOUND_MS) {
      status = (await blockNumber(keyUrl)).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(status).toBe(401);
    expect((await blockNumber(rpcUrl)).status).toBe(200);
    expect(await page.locator("#tenant-keys").textContent()).toContain("revoked");

    await openSection(page, "Usage", "usage");
    await page.locator("#usage-report figure[data-drawn]").nth(1).waitFor();
    await openSection(page, "Jobs", "jobs");
    expect(await page.locator("#jobs td").allTextContents()).toContain("sanctions");
    await openSection(page, "Audit log", "audit");
    expect(await page.locator("#audit-verified").getAttribute("data-verified")).toBe("true");
    expect(await page.locator("#audit-rows td").allTextContents()).toEqual(
      expect.arrayContaining(["key.revoke", "key.create", "tenant.create"]),
    );
    await openSection(page, "Compliance report", "compliance");
    expect(await page.locator("#compliance").textContent()).toContain("Audit chains verified");
    await screenshot(page, "console-audit");

    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(gatewayUrl))).toEqual([]);
  }, 120_000);
});

// The API reference in a real Chromium: it lists the operations of both APIs, folds each JSON
// Schema until asked, makes no request outside the gateway and breaks no CSP rule. A screenshot is
// saved under test-results/pages.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launch, screenshot, watchedPage } from "./browser.mjs";

const gatewayUrl = inject("gatewayUrl");
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
}, 60_000);
afterAll(async () => browser?.close());

test("the API reference lists both APIs' operations, with only same-origin requests", async () => {
  const { page, requests, problems } = await watchedPage(browser);
  await page.goto(`${gatewayUrl}/docs`);
  expect(await page.getByRole("heading", { level: 2 }).allTextContents()).toEqual([
    "RPC gateway admin API",
    "RPC gateway API",
  ]);
  expect(await page.locator("section.op").count()).toBeGreaterThan(50);
  const createPlan = page.locator("section#postAdminV1Plans");
  expect(await createPlan.locator("pre").first().isVisible()).toBe(false);
  await createPlan.getByText("JSON Schema").first().click();
  expect(await createPlan.locator("pre").first().isVisible()).toBe(true);
  await screenshot(page, "docs");
  expect(problems).toEqual([]);
  expect(requests.filter((url) => !url.startsWith(gatewayUrl))).toEqual([]);
});

// The public status page in a real Chromium: after calls through the gateway and a run of the probe
// job, it shows the chain's head and state, draws its four charts with a point per step (the last
// hour's with the calls just made), makes no request outside the gateway, and breaks no CSP rule.
// A screenshot is saved under test-results/pages.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { launch, screenshot, watchedPage } from "./browser.mjs";

// The page's DOM, as the functions run inside it by page.evaluate see it (this project has no DOM types).
declare const document: {
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): { textContent: string | null } | null;
  activeElement: { getAttribute(name: string): string | null } | null;
};

const gatewayUrl = inject("gatewayUrl");
const rpcUrl = inject("rpcUrl");
const chain = new URL(rpcUrl).pathname.split("/")[2] as string;

async function callGateway(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: i,
        method: "eth_getBalance",
        params: [`0x${String(i).padStart(40, "0")}`, "latest"],
      }),
    });
    expect(res.status).toBe(200);
  }
}

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
  await callGateway(5);
  // The isolate sends its metrics at most every 5 s: the first call after that sends these.
  await new Promise((r) => setTimeout(r, 5_200));
  await callGateway(1);
  const fired = await fetch(
    `${inject("entryUrl")}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`,
  );
  expect(fired.ok).toBe(true);
}, 60_000);
afterAll(async () => browser?.close());

describe("the status page in Chromium", () => {
  test("shows the head and state and draws every chart with its points, with only same-origin requests", async () => {
    const { page, requests, problems } = await watchedPage(browser);
    // The report is built at most every 10 s: wait for one that has the calls.
    let calls = 0;
    for (let tries = 0; tries < 15 && calls < 6; tries++) {
      await page.goto(`${gatewayUrl}/status`);
      calls = Number(await page.locator(`#calls-hour-${chain}`).textContent({ timeout: 2_000 }));
      if (calls < 6) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(calls).toBeGreaterThanOrEqual(6);
    const section = page.locator(`section[aria-labelledby="chain-${chain}"]`);
    expect(await section.locator("[data-state]").getAttribute("data-state")).toBe("operational");
    expect(Number(await section.locator("[data-head]").getAttribute("data-head"))).toBeGreaterThan(0);
    // Four charts, each drawn by uPlot on a canvas, with 60 points (hour) or 96 (day).
    await page
      .waitForFunction(
        (slug) => document.querySelectorAll(`figure[data-chart^="${slug}:"][data-drawn]`).length === 4,
        chain,
        { timeout: 10_000 },
      )
      .catch((err) => {
        throw new Error(`the charts were not drawn: ${err}; the page said: ${problems.join(" | ")}`);
      });
    const drawn = await section
      .locator("figure[data-chart]")
      .evaluateAll((figures) =>
        figures.map((f) => [
          f.getAttribute("data-chart")?.split(":")[1],
          Number(f.getAttribute("data-drawn")),
          f.querySelectorAll("canvas").length,
        ]),
      );
    expect(drawn).toEqual([
      ["hour", 60, 1],
      ["hour", 60, 1],
      ["day", 96, 1],
      ["day", 96, 1],
    ]);
    // The hour's calls chart has the calls in its series: uPlot keeps its data on the instance's legend values.
    const series = await page.evaluate((slug) => {
      const data = JSON.parse(document.getElementById("page-data")?.textContent ?? "{}");
      return (data[`${slug}:hour`] as { requests: number }[]).reduce((n, p) => n + p.requests, 0);
    }, chain);
    expect(series).toBeGreaterThanOrEqual(6);
    await screenshot(page, "status");
    const origin = new URL(gatewayUrl).origin;
    expect(requests.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("is usable by keyboard and screen reader: headings, labelled charts, table headers", async () => {
    const { page } = await watchedPage(browser);
    await page.goto(`${gatewayUrl}/status`);
    expect(await page.locator("h1").textContent()).toBe("Status");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    const unlabelled = await page.locator("figure[data-chart]:not([aria-label])").count();
    expect(unlabelled).toBe(0);
    expect(await page.locator("th[scope]").count()).toBeGreaterThan(0);
    // The page's only link is reachable by Tab.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe("/status.json");
  });
});

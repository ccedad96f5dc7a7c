// A real Chromium for page tests, from npm (@sparticuz/chromium ships the binary inside the package;
// no system packages, no download), driven by playwright-core. Records every request a page makes
// and every console problem, and saves screenshots under test-results/pages (git-ignored).
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import chromium from "@sparticuz/chromium";
import { chromium as playwright } from "playwright-core";

export const SCREENSHOTS = resolve(import.meta.dirname, "../../../test-results/pages");

/** @returns {Promise<import("playwright-core").Browser>} */
export async function launch() {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: true,
  });
}

/**
 * A new page of `browser` whose requests (every URL) and console problems (errors and warnings, a
 * CSP violation among them; uncaught page errors) are recorded.
 * @param {import("playwright-core").Browser} browser
 * @returns {Promise<{ page: import("playwright-core").Page, requests: string[], problems: string[] }>}
 */
export async function watchedPage(browser) {
  // A locale of its own: this machine's (C, read as "en-US@posix") is not one Intl accepts.
  const page = await browser.newPage({
    viewport: { width: 1200, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
  });
  const requests = [];
  const problems = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return { page, requests, problems };
}

/**
 * Saves a full-page screenshot as test-results/pages/<name>.png; returns its path.
 * @param {import("playwright-core").Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

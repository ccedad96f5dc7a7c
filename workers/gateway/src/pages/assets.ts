/**
 * @module
 * The pages' static files, served from the Worker itself (no CDN, no third-party request): uPlot's
 * browser build and stylesheet (bundled from npm as text), the pages' stylesheet, and the chart
 * script (client/charts.ts, from its own source), and the console's script modules (client/console/).
 */

import uplotJs from "uplot/dist/uPlot.iife.min.js";
import uplotCss from "uplot/dist/uPlot.min.css";
import { drawCharts } from "./client/charts";
import consoleFiles from "./client/console/files";
import { CONSOLE_CSS } from "./consoleCss";
import { PAGES_CSS } from "./pagesCss";
import { PAGE_HEADERS } from "./security";

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

const FILES: Record<string, { type: string; body: string }> = {
  "uplot.js": { type: JS, body: uplotJs },
  "uplot.css": { type: CSS, body: uplotCss },
  "pages.css": { type: CSS, body: PAGES_CSS + CONSOLE_CSS },
  "charts.js": { type: JS, body: `(${drawCharts.toString()})();\n` },
  ...Object.fromEntries(
    Object.entries(consoleFiles).map(([name, body]) => [`console/${name}`, { type: JS, body }]),
  ),
};

/** GET /assets/<file>, cached an hour by browsers; undefined for a file that is not one of them. */
export function assetResponse(name: string): Response | undefined {
  const file = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!file) return undefined;
  // The console's modules import each other by name: after a deploy, a browser must not mix versions.
  const cache = name.startsWith("console/") ? "no-cache" : "public, max-age=3600";
  return new Response(file.body, {
    headers: { ...PAGE_HEADERS, "content-type": file.type, "cache-control": cache },
  });
}

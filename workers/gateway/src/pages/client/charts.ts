/**
 * @module
 * Runs in the browser, not in the Worker: draws each `[data-chart]` figure of a page with uPlot from
 * the page's JSON data block (`#page-data`), and marks the figure with how many points it drew.
 * Served as /assets/charts.js from this function's own source (assets.ts), so it must stay
 * self-contained: no imports, no outside names but the browser's and uPlot's.
 */
export function drawCharts(): void {
  // The few browser names it uses, typed here: the Worker's own types have no DOM.
  interface Element {
    dataset: Record<string, string | undefined>;
    textContent: string | null;
    clientWidth: number;
    querySelector(selector: string): Element | null;
  }
  const browser = globalThis as unknown as {
    document: {
      getElementById(id: string): Element | null;
      querySelectorAll(selector: string): Iterable<Element>;
    };
    uPlot?: new (options: unknown, data: unknown, target: Element) => unknown;
  };
  const { document, uPlot } = browser;
  const block = document.getElementById("page-data");
  if (!uPlot || !block?.textContent) return;
  const data = JSON.parse(block.textContent) as Record<string, { at: number; [k: string]: number | null }[]>;
  const colors = ["#0b57d0", "#b3261e", "#146c2e", "#7d5260"];
  for (const figure of document.querySelectorAll("[data-chart]")) {
    const points = data[figure.dataset.chart ?? ""] ?? [];
    const fields = (figure.dataset.fields ?? "").split(",");
    const labels = (figure.dataset.labels ?? "").split(",");
    const target = figure.querySelector(".plot") ?? figure;
    const xs = points.map((p) => p.at / 1000);
    const ys = fields.map((f) => points.map((p) => p[f] ?? null));
    new uPlot(
      {
        width: Math.max(280, target.clientWidth || 480),
        height: 180,
        series: [
          {},
          ...fields.map((_, i) => ({
            label: labels[i],
            stroke: colors[i],
            width: 2,
            spanGaps: false,
            // A lone point between empty steps has no line to draw: show every point.
            points: { show: true, size: 4 },
          })),
        ],
        axes: [{}, { size: 60 }],
      },
      [xs, ...ys],
      target,
    );
    figure.dataset.drawn = String(xs.length);
  }
}

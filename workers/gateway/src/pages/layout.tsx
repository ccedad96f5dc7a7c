/**
 * @module
 * The frame of every page: language, title, the pages' stylesheet, uPlot and the chart script when
 * the page draws charts, and the page's data as a JSON block (never executed, so the strict CSP holds).
 */
import type { Child } from "hono/jsx";

export interface LayoutProps {
  title: string;
  /** Series the page's `[data-chart]` figures draw, by name. */
  charts?: Record<string, unknown>;
  /** Seconds after which the page reloads itself. */
  refreshSeconds?: number;
  /** A script module the page runs (with uPlot loaded before it), as the console does. */
  module?: string;
  children: Child;
}

export function Layout({ title, charts, refreshSeconds, module, children }: LayoutProps) {
  const uplot = charts !== undefined || module !== undefined;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {refreshSeconds ? <meta http-equiv="refresh" content={String(refreshSeconds)} /> : null}
        <title>{title}</title>
        <link rel="stylesheet" href="/assets/pages.css" />
        {uplot ? <link rel="stylesheet" href="/assets/uplot.css" /> : null}
      </head>
      <body>
        {children}
        {charts ? (
          <>
            {/* Raw JSON in a data block; every "<" written as \u003c so nothing in it can close the element. */}
            <script
              type="application/json"
              id="page-data"
              dangerouslySetInnerHTML={{ __html: JSON.stringify(charts).replaceAll("<", "\\u003c") }}
            />
            <script src="/assets/uplot.js" defer />
            <script src="/assets/charts.js" defer />
          </>
        ) : null}
        {module ? (
          <>
            <script src="/assets/uplot.js" defer />
            <script type="module" src={module} />
          </>
        ) : null}
      </body>
    </html>
  );
}

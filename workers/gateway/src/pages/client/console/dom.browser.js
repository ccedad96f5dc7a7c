/**
 * @module
 * Building the console's DOM: elements from plain values (text is always text, never HTML),
 * tables with captions and column headers, labelled fields, the message line and uPlot charts.
 * Runs in the browser.
 */

/**
 * An element with attributes (`on<event>`: a listener; true: present; false/null/undefined: left
 * out) and children (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * A table: a caption, a header row, one row per item (`cell` gives each column's content).
 * @template T
 * @param {string} caption
 * @param {[string, (row: T) => unknown][]} columns
 * @param {T[]} rows
 */
export function table(caption, columns, rows) {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        columns.map(([label]) => h("th", { scope: "col" }, label)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.length === 0
        ? h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, "none"))
        : rows.map((row) =>
            h(
              "tr",
              {},
              columns.map(([, cell]) => h("td", {}, cell(row))),
            ),
          ),
    ),
  );
}

/**
 * A labelled input (or select) for a form.
 * @param {string} label
 * @param {HTMLElement} input must have an id
 */
export function field(label, input) {
  return h("span", { class: "field" }, h("label", { for: input.id }, label), input);
}

/**
 * Shows a message in the status line (read out by screen readers).
 * @param {string} text
 * @param {"info" | "error"} [kind]
 */
export function say(text, kind = "info") {
  const line = /** @type {HTMLElement} */ (document.getElementById("message"));
  line.textContent = text;
  line.dataset.kind = kind;
}

/** @param {number | string | null | undefined} at ms since the epoch, or an ISO string */
export function when(at) {
  if (at === null || at === undefined) return "–";
  return `${new Date(at).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * Draws a line chart into `parent` (already in the page) and marks its figure with the number
 * of points drawn (`data-drawn`).
 * @param {HTMLElement} parent
 * @param {string} title
 * @param {number[]} xs seconds since the epoch
 * @param {[string, (number | null)[]][]} series label and values
 */
export function chart(parent, title, xs, series) {
  const plot = h("div", { class: "plot" });
  const figure = h("figure", { "aria-label": title }, h("figcaption", {}, title), plot);
  parent.append(figure);
  const colors = ["#0b57d0", "#b3261e", "#146c2e", "#7d5260"];
  const uPlot = /** @type {any} */ (globalThis).uPlot;
  new uPlot(
    {
      width: Math.max(280, plot.clientWidth || 560),
      height: 180,
      series: [
        {},
        ...series.map(([label], i) => ({ label, stroke: colors[i], width: 2, points: { size: 4 } })),
      ],
      axes: [{}, { size: 60 }],
    },
    [xs, ...series.map(([, values]) => values)],
    plot,
  );
  figure.dataset.drawn = String(xs.length);
}

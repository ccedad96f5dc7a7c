// Turns the admin API's answers into text for people: tables of chosen columns, `label: value`
// lines, and notes. Each helper returns a renderer `(json) => string`; an array of them is joined.

/**
 * @typedef {(json: any) => string} Renderer
 * A column or field is a path into the answer (`latest.status`, `chains.length`).
 */

/** The value at a dotted path. @param {unknown} value @param {string} path */
export function pick(value, path) {
  let at = value;
  for (const part of path.split(".")) at = at == null ? undefined : at[part];
  return at;
}

/** `cuPerSecond` → `cu-per-second`, the flag spelling. @param {string} path */
const header = (path) =>
  path
    .split(".")
    .at(-1)
    .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** One cell: times (`…At` in ms) as ISO, lists joined, nothing as `-`. */
export function cell(path, value) {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "number" && /At$/.test(path) && value > 1e11)
    return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map((v) => cell("", v)).join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Rows as aligned columns under a header. @param {string[]} columns @param {object[]} rows */
export function formatTable(columns, rows) {
  const lines = [columns.map(header), ...rows.map((row) => columns.map((c) => cell(c, pick(row, c))))];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  return lines
    .map((line) =>
      line
        .map((v, i) => v.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * A table of the list at `listPath` (the answer itself when empty), or of one object.
 * @param {string[]} columns @param {string} [listPath]
 * @returns {Renderer}
 */
export const table = (columns, listPath) => (json) => {
  const rows = listPath === undefined ? [json] : (pick(json, listPath) ?? []);
  const text = formatTable(columns, rows);
  return rows.length === 0 ? `${text}\n(none)` : text;
};

/**
 * `label: value` lines; `[label, path]` pairs, or a path as its own label.
 * @param {(string | [string, string])[]} entries @param {{ under?: string, empty?: string }} [options]
 *   `under`: read the paths in that member; `empty`: the text when it is null
 * @returns {Renderer}
 */
export const fields =
  (entries, { under, empty } = {}) =>
  (json) => {
    const base = under === undefined ? json : pick(json, under);
    if (base == null && empty) return empty;
    const pairs = entries.map((e) => (typeof e === "string" ? [header(e), e] : e));
    const width = Math.max(...pairs.map(([label]) => label.length));
    return pairs
      .map(([label, path]) => `${`${label}:`.padEnd(width + 2)}${cell(path, pick(base, path))}`)
      .join("\n");
  };

/** A fixed line, e.g. for a 204. @param {string} text @returns {Renderer} */
export const note = (text) => () => text;

/**
 * The text of an answer for people.
 * @param {Renderer | Renderer[]} show @param {unknown} json
 */
export function render(show, json) {
  return (Array.isArray(show) ? show : [show]).map((r) => r(json)).join("\n\n");
}

/**
 * @module
 * Usage: one tenant's calls, CU and errors over a span of days (the last 30 by default), as a chart
 * by day and split by key, chain and method family (the admin API's usage rows). Runs in the browser.
 */
import { api, query, seg } from "./api.browser.js";
import { chart, field, h, say, table } from "./dom.browser.js";

const DAY_MS = 86_400_000;

/** @param {HTMLElement} target */
export async function showUsage(target) {
  const { tenants } = await api("GET", "/tenants");
  const tenant = h(
    "select",
    { id: "usage-tenant" },
    tenants.map((/** @type {any} */ t) => h("option", { value: t.id }, t.name)),
  );
  const from = h("input", { id: "usage-from", type: "date", value: isoDay(Date.now() - 29 * DAY_MS) });
  const to = h("input", { id: "usage-to", type: "date", value: isoDay(Date.now()) });
  const report = h("div", { id: "usage-report" });
  const form = h(
    "form",
    { class: "inline", "aria-label": "Usage of a tenant" },
    field("Tenant", tenant),
    field("From", from),
    field("To", to),
    h("button", { type: "submit" }, "Show usage"),
  );
  const value = (/** @type {HTMLElement} */ el) => /** @type {HTMLInputElement} */ (el).value;
  const load = () =>
    loadUsage(report, value(tenant), value(from), value(to)).catch((err) => say(err.message, "error"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void load();
  });
  target.replaceChildren(form, report);
  if (tenants.length > 0) await load();
}

/**
 * @param {HTMLElement} target
 * @param {string} tenantId
 * @param {string} from YYYY-MM-DD
 * @param {string} to YYYY-MM-DD
 */
async function loadUsage(target, tenantId, from, to) {
  const [usage, { keys }] = await Promise.all([
    api("GET", `/tenants/${seg(tenantId)}/usage${query({ from, to })}`),
    api("GET", `/tenants/${seg(tenantId)}/keys`),
  ]);
  const keyName = new Map(keys.map((/** @type {any} */ k) => [k.id, `${k.name ?? "key"} (${k.prefix}…)`]));
  const days = daysBetween(from, to);
  const byDay = sums(usage.rows, (r) => r.day);
  const t = usage.totals;
  target.replaceChildren(
    h(
      "p",
      {},
      "Totals: ",
      h("span", { id: "usage-requests" }, t.requests),
      ` calls, ${t.cu} CU, ${t.errors} errors.`,
    ),
    h(
      "p",
      { class: "muted" },
      `This month: ${usage.month.cu} of ${usage.month.monthlyCu || "unlimited"} CU; renews ${usage.month.renewsAt}.`,
    ),
  );
  const xs = days.map((d) => Date.parse(d) / 1000);
  const pick = (/** @type {"requests" | "errors" | "cu"} */ f) => days.map((d) => byDay.get(d)?.[f] ?? 0);
  chart(target, "Calls and errors by day", xs, [
    ["calls", pick("requests")],
    ["errors", pick("errors")],
  ]);
  chart(target, "CU by day", xs, [["CU", pick("cu")]]);
  for (const [title, keyOf] of /** @type {[string, (r: any) => string][]} */ ([
    ["By key", (r) => keyName.get(r.keyId) ?? r.keyId],
    ["By chain", (r) => r.chain || "(no chain)"],
    ["By method family", (r) => r.family],
  ])) {
    target.append(splitTable(title, sums(usage.rows, keyOf)));
  }
}

/**
 * @param {string} title
 * @param {Map<string, {requests: number, cu: number, errors: number}>} split
 */
function splitTable(title, split) {
  const rows = [...split].sort((a, b) => b[1].requests - a[1].requests);
  return table(
    title,
    [
      ["", ([name]) => name],
      ["Calls", ([, s]) => s.requests],
      ["CU", ([, s]) => s.cu],
      ["Errors", ([, s]) => s.errors],
    ],
    rows,
  );
}

/**
 * Usage rows added up by `keyOf`.
 * @param {any[]} rows
 * @param {(row: any) => string} keyOf
 */
function sums(rows, keyOf) {
  /** @type {Map<string, {requests: number, cu: number, errors: number}>} */
  const out = new Map();
  for (const row of rows) {
    const key = keyOf(row);
    const sum = out.get(key) ?? { requests: 0, cu: 0, errors: 0 };
    sum.requests += row.requests;
    sum.cu += row.cu;
    sum.errors += row.errors;
    out.set(key, sum);
  }
  return out;
}

/** @param {number} ms */
function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, inclusive (at most 400). @param {string} from @param {string} to */
function daysBetween(from, to) {
  const days = [];
  for (let at = Date.parse(from); at <= Date.parse(to) && days.length < 400; at += DAY_MS)
    days.push(isoDay(at));
  return days;
}

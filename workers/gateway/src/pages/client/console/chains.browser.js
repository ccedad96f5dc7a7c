/**
 * @module
 * Chains and upstreams: each chain's upstreams with their score, circuit, head and latency as this
 * isolate sees them, an enable/disable button for each, and the chain's last hour of calls and
 * latency as charts (the admin API's metrics). Runs in the browser.
 */
import { api, seg } from "./api.browser.js";
import { chart, h, say, table } from "./dom.browser.js";

/** @param {HTMLElement} target */
export async function showChains(target) {
  const { chains } = await api("GET", "/chains");
  const cards = chains.map((/** @type {any} */ chain) =>
    h("article", { class: "card", "aria-labelledby": `chain-${chain.slug}` }),
  );
  target.replaceChildren(...cards);
  await Promise.all(
    chains.map((/** @type {any} */ chain, /** @type {number} */ i) => loadChain(chain, cards[i])),
  );
}

/**
 * @param {any} chain a row of GET /chains
 * @param {HTMLElement} card
 */
async function loadChain(chain, card) {
  const slug = seg(chain.slug);
  const [health, { upstreams }, metrics] = await Promise.all([
    chain.enabled ? api("GET", `/chains/${slug}/health`) : { head: null, upstreams: [] },
    api("GET", `/chains/${slug}/upstreams`),
    api("GET", `/metrics/${slug}`),
  ]);
  /** @type {Map<string, any>} */
  const seen = new Map(health.upstreams.map((/** @type {any} */ u) => [u.id, u]));
  const rows = upstreams.map((/** @type {any} */ u) => ({ ...u, health: seen.get(u.id) }));
  card.replaceChildren(
    h("h3", { id: `chain-${chain.slug}` }, `${chain.name} (${chain.slug}, id ${chain.chainId})`),
    h(
      "p",
      { class: "muted" },
      `${chain.enabled ? "enabled" : "disabled"} · head ${health.head ?? "unknown"} · last hour: `,
      h("span", { "data-calls": chain.slug }, metrics.totals.requests),
      ` calls, ${metrics.totals.errors} errors, p50 ${metrics.totals.p50 ?? "–"} ms, p99 ${metrics.totals.p99 ?? "–"} ms`,
    ),
    upstreamTable(chain, rows, () => loadChain(chain, card)),
  );
  const xs = metrics.points.map((/** @type {any} */ p) => p.at / 1000);
  const pick = (/** @type {string} */ f) => metrics.points.map((/** @type {any} */ p) => p[f] ?? null);
  chart(card, `${chain.name}: latency, last hour (ms)`, xs, [
    ["p50", pick("p50")],
    ["p99", pick("p99")],
  ]);
  chart(card, `${chain.name}: calls and errors, last hour`, xs, [
    ["calls", pick("requests")],
    ["errors", pick("errors")],
  ]);
}

/**
 * @param {any} chain
 * @param {any[]} rows upstreams with their health (undefined while disabled)
 * @param {() => Promise<void>} reload
 */
function upstreamTable(chain, rows, reload) {
  const toggle = async (/** @type {any} */ u) => {
    await api("PATCH", `/chains/${seg(chain.slug)}/upstreams/${seg(u.id)}`, { enabled: !u.enabled });
    say(`${u.name} ${u.enabled ? "disabled" : "enabled"}.`);
    await reload();
  };
  return table(
    `${chain.name}: upstreams (as this location sees them)`,
    [
      ["Name", (u) => u.name],
      ["Enabled", (u) => (u.enabled ? "yes" : `no${u.disabledReason ? ` (${u.disabledReason})` : ""}`)],
      ["State", (u) => u.health?.state ?? "–"],
      ["Score", (u) => u.health?.score ?? "–"],
      ["Circuit", (u) => u.health?.circuit ?? "–"],
      ["Head", (u) => (u.health ? `${u.health.head ?? "–"} (lag ${u.health.lag ?? "–"})` : "–")],
      [
        "Latency ewma / p90",
        (u) => (u.health ? `${u.health.latencyMs.ewma ?? "–"} / ${u.health.latencyMs.p90 ?? "–"} ms` : "–"),
      ],
      ["Error rate", (u) => u.health?.errorRate ?? "–"],
      [
        "Action",
        (u) =>
          h(
            "button",
            { type: "button", onclick: () => toggle(u).catch((err) => say(err.message, "error")) },
            u.enabled ? `Disable ${u.name}` : `Enable ${u.name}`,
          ),
      ],
    ],
    rows,
  );
}

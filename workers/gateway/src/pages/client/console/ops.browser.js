/**
 * @module
 * Jobs (each scheduled job's cron and last run), the audit log (its chains' verification, then the
 * newest rows of a chain, older on demand) and the compliance report (the last 30 days). Runs in
 * the browser.
 */
import { api, query } from "./api.browser.js";
import { field, h, table, when } from "./dom.browser.js";

/** @param {HTMLElement} target */
export async function showJobs(target) {
  const { jobs } = await api("GET", "/jobs");
  target.replaceChildren(
    table(
      "Scheduled jobs and their last runs",
      [
        ["Job", (j) => j.job],
        ["Cron", (j) => h("code", {}, j.cron)],
        [
          "Last run",
          (j) => (j.latest ? h("span", { "data-status": j.latest.status }, j.latest.status) : "never"),
        ],
        ["Started", (j) => when(j.latest?.startedAt)],
        ["Ended", (j) => when(j.latest?.endedAt)],
        ["Counts", (j) => (j.latest?.counts ? JSON.stringify(j.latest.counts) : "–")],
        ["Error", (j) => j.latest?.error ?? ""],
      ],
      jobs,
    ),
  );
}

/** @param {HTMLElement} target */
export async function showAudit(target) {
  // From the anchor's checkpoint before 30 days ago: the cost does not grow with the whole log.
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const check = await api("GET", `/audit/verify${query({ from: since })}`);
  const chain = h(
    "select",
    { id: "audit-chain" },
    h("option", { value: "admin" }, "admin"),
    h("option", { value: "screening" }, "screening"),
  );
  const rows = h("div", { id: "audit-rows" });
  chain.addEventListener(
    "change",
    () => void auditRows(rows, /** @type {HTMLSelectElement} */ (chain).value),
  );
  target.replaceChildren(
    h(
      "p",
      {},
      "Verification of the last 30 days: ",
      h(
        "strong",
        { id: "audit-verified", "data-verified": String(check.verified) },
        check.verified ? "verified" : "NOT verified",
      ),
    ),
    chainTable(check.chains),
    field("Chain", chain),
    rows,
  );
  await auditRows(rows, "admin");
}

/** @param {any[]} chains the verification of each chain */
function chainTable(chains) {
  return table(
    "Audit chains",
    [
      ["Chain", (c) => c.chain],
      ["Verified", (c) => (c.verified ? "yes" : "no")],
      ["Rows checked", (c) => c.rows],
      ["Anchored to seq", (c) => c.anchoredSeq],
      [
        "First broken row",
        (c) => (c.broken ? `seq ${c.broken.seq} (id ${c.broken.id ?? "missing"}): ${c.broken.reason}` : ""),
      ],
    ],
    chains,
  );
}

/**
 * The newest 50 rows of `chain` older than `before`, with a button for the 50 before them.
 * @param {HTMLElement} target
 * @param {string} chain
 * @param {number} [before] a row number (seq)
 */
async function auditRows(target, chain, before) {
  const { rows } = await api("GET", `/audit${query({ chain, limit: 50, before })}`);
  const more = rows.length === 50 ? rows[rows.length - 1].seq : undefined;
  target.replaceChildren(
    table(
      `Audit log, ${chain} chain, newest first`,
      [
        ["Seq", (r) => r.seq],
        ["At", (r) => when(r.at)],
        ["Actor", (r) => r.actor],
        ["Action", (r) => r.action],
        ["Target", (r) => h("code", {}, r.target)],
      ],
      rows,
    ),
    more ? h("button", { type: "button", onclick: () => auditRows(target, chain, more) }, "Older rows") : "",
  );
}

/** @param {HTMLElement} target */
export async function showCompliance(target) {
  const report = await api("GET", "/compliance/report");
  const current = report.sanctions.current;
  target.replaceChildren(
    h("p", {}, `Period: ${report.period.from} to ${report.period.to}.`),
    h(
      "p",
      {},
      current
        ? `Sanctions set in force: version ${current.version} of ${when(current.at)}, ${current.size} addresses.`
        : "No sanctions set yet.",
      report.sanctions.pending ? " A new set is held for approval." : "",
    ),
    h("p", {}, `Audit chains ${report.auditChain.verified ? "verified" : "NOT verified"}.`),
    table(
      "Sanctions snapshots",
      [
        ["Version", (s) => s.version],
        ["At", (s) => s.at],
        ["Size", (s) => s.size],
        ["Added", (s) => s.added],
        ["Removed", (s) => s.removed],
      ],
      report.sanctions.snapshots,
    ),
    txTable("Refused transactions", report.refusedTransactions),
    txTable("Flagged transactions", report.flaggedTransactions),
    table(
      "Admin actions",
      [
        ["At", (a) => a.at],
        ["Actor", (a) => a.actor],
        ["Action", (a) => a.action],
        ["Target", (a) => h("code", {}, a.target)],
      ],
      report.adminActions,
    ),
  );
}

/** @param {string} caption @param {any[]} rows */
function txTable(caption, rows) {
  return table(
    caption,
    [
      ["At", (r) => r.at],
      ["Tenant", (r) => r.tenantId ?? "–"],
      ["Chain", (r) => r.chain ?? "–"],
      ["Transaction", (r) => h("code", {}, r.txHash ?? "–")],
      ["Listed party", (r) => (r.address ? h("span", {}, `${r.role} `, h("code", {}, r.address)) : "–")],
      ["Sanctions version", (r) => r.snapshotVersion ?? "–"],
    ],
    rows,
  );
}

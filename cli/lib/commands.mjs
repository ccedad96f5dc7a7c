// Every `rpcgw` command as a row: its words, the admin API route it calls (`{name}` filled from
// positionals or required flags), the flags that become body or query fields, and how to show the
// answer. The generic runner is ./run.mjs; the routes are workers/gateway/src/admin/*.ts.
import { fields, note, table } from "./render.mjs";
import {
  CHAIN_CHANGES,
  CHAIN_COLS,
  HEALTH_COLS,
  KEY_COLS,
  KEY_RULES,
  N,
  PENDING,
  PLAN_BODY,
  PLAN_COLS,
  RULE_COLS,
  S,
  TENANT_COLS,
  UPSTREAM_BODY,
  UPSTREAM_COLS,
} from "./shapes.mjs";

/**
 * @typedef {import("./args.mjs").FlagSpec} FlagSpec
 * @typedef {{
 *   cmd: string, summary: string, method?: string, path?: string, local?: string,
 *   args?: string[], need?: string[], body?: Record<string, FlagSpec>, query?: Record<string, FlagSpec>,
 *   flags?: Record<string, FlagSpec>, fixed?: Record<string, unknown>,
 *   show?: import("./render.mjs").Renderer | import("./render.mjs").Renderer[], details?: string,
 * }} Command
 * `args`: positionals, in order; `need`: required string flags (`--tenant ID`); `flags`: other flags
 * a local command reads; `fixed`: body fields the command always sends; `details`: more help text.
 */

const APPLY_DETAILS = `The file has lists \`plans\`, \`chains\` (each with \`upstreams\`) and \`tenants\` (each naming its
\`plan\` by name), their fields as the admin API's POST bodies take them (see examples/mainnet.yaml).
Entries are matched by plan name, chain slug, upstream name within its chain and tenant name: a
missing one is created, one with differing fields gets a PATCH of those fields (a field the file
leaves out is left as it is). Nothing is ever deleted: what the file does not name is left alone
(--dry-run lists it). \${NAME} in a value is taken from the environment (a missing one is an error);
$\${NAME} is the text \${NAME}. The file is checked against the gateway's OpenAPI body schemas before
anything is sent: a bad file exits 2 naming the field. If the API refuses a change midway, the
changes already made are printed and the exit code is 1.

The gateway never answers an upstream's url (it is sealed) nor its public flag: they are sent when
the upstream is created, and to existing upstreams only with --update-urls (each run with it then
PATCHes them again).

  --dry-run      print what would change; only GETs are sent
  --update-urls  also send url and public of upstreams that exist already
  --json         print { created, updated, unchanged } (with --dry-run also notInFile)`;

/** @type {Command[]} */
export const COMMANDS = [
  {
    cmd: "token",
    summary: "Mint an admin token (from --secret or ADMIN_JWT_SECRET)",
    local: "token",
    flags: { sub: S, scope: S, ttl: S },
  },
  {
    cmd: "apply",
    summary: "Make a file of plans, chains with upstreams, and tenants true (YAML or JSON)",
    local: "apply",
    args: ["file"],
    flags: { "dry-run": { type: "boolean" }, "update-urls": { type: "boolean" } },
    details: APPLY_DETAILS,
  },
  {
    cmd: "chains list",
    summary: "List chains",
    method: "GET",
    path: "/chains",
    show: table(CHAIN_COLS, "chains"),
  },
  {
    cmd: "chains add",
    summary: "Create a chain",
    method: "POST",
    path: "/chains",
    body: { slug: S, kind: S, "chain-id": N, ...CHAIN_CHANGES },
    show: table(CHAIN_COLS),
  },
  {
    cmd: "chains update",
    summary: "Change a chain",
    method: "PATCH",
    path: "/chains/{chain}",
    args: ["chain"],
    body: CHAIN_CHANGES,
    show: table(CHAIN_COLS),
  },
  {
    cmd: "chains health",
    summary: "Probe a chain's upstreams and show their health",
    method: "GET",
    path: "/chains/{chain}/health",
    args: ["chain"],
    show: [fields(["chain", "chainId", "enabled", "head", "maxLagBlocks"]), table(HEALTH_COLS, "upstreams")],
  },
  {
    cmd: "upstreams list",
    summary: "List a chain's upstreams",
    method: "GET",
    path: "/chains/{chain}/upstreams",
    need: ["chain"],
    show: table(UPSTREAM_COLS, "upstreams"),
  },
  {
    cmd: "upstreams add",
    summary: "Add an upstream to a chain",
    method: "POST",
    path: "/chains/{chain}/upstreams",
    need: ["chain"],
    body: UPSTREAM_BODY,
    show: table(UPSTREAM_COLS),
  },
  {
    cmd: "upstreams update",
    summary: "Change an upstream",
    method: "PATCH",
    path: "/chains/{chain}/upstreams/{id}",
    need: ["chain"],
    args: ["id"],
    body: UPSTREAM_BODY,
    show: table(UPSTREAM_COLS),
  },
  {
    cmd: "upstreams disable",
    summary: "Stop routing to an upstream",
    method: "PATCH",
    path: "/chains/{chain}/upstreams/{id}",
    need: ["chain"],
    args: ["id"],
    fixed: { enabled: false },
    show: table(UPSTREAM_COLS),
  },
  {
    cmd: "upstreams remove",
    summary: "Remove an upstream",
    method: "DELETE",
    path: "/chains/{chain}/upstreams/{id}",
    need: ["chain"],
    args: ["id"],
    show: note("removed"),
  },
  {
    cmd: "plans list",
    summary: "List plans",
    method: "GET",
    path: "/plans",
    show: table(PLAN_COLS, "plans"),
  },
  {
    cmd: "plans add",
    summary: "Create a plan",
    method: "POST",
    path: "/plans",
    body: PLAN_BODY,
    show: table(PLAN_COLS),
  },
  {
    cmd: "plans update",
    summary: "Change a plan",
    method: "PATCH",
    path: "/plans/{id}",
    args: ["id"],
    body: PLAN_BODY,
    show: table(PLAN_COLS),
  },
  {
    cmd: "tenants list",
    summary: "List tenants",
    method: "GET",
    path: "/tenants",
    show: table(TENANT_COLS, "tenants"),
  },
  {
    cmd: "tenants add",
    summary: "Create a tenant on a plan",
    method: "POST",
    path: "/tenants",
    body: { name: S, "plan-id": S },
    show: table(TENANT_COLS),
  },
  {
    cmd: "tenants update",
    summary: "Change a tenant (name, plan, status active|suspended)",
    method: "PATCH",
    path: "/tenants/{id}",
    args: ["id"],
    body: { name: S, "plan-id": S, status: S },
    show: table(TENANT_COLS),
  },
  {
    cmd: "keys list",
    summary: "List a tenant's API keys",
    method: "GET",
    path: "/tenants/{tenant}/keys",
    need: ["tenant"],
    show: table(KEY_COLS, "keys"),
  },
  {
    cmd: "keys create",
    summary: "Create an API key (its key and secret are shown once)",
    method: "POST",
    path: "/tenants/{tenant}/keys",
    need: ["tenant"],
    body: { name: S, "cu-per-second": N, ...KEY_RULES },
    show: [
      table(KEY_COLS),
      fields(["key", "secret"]),
      note("The key and its secret are shown this once: store them now."),
    ],
  },
  {
    cmd: "keys revoke",
    summary: "Revoke an API key",
    method: "DELETE",
    path: "/keys/{id}",
    args: ["id"],
    show: table(KEY_COLS),
  },
  {
    cmd: "keys restrict",
    summary: "Set a key's allowlists (--clear-<list> removes one)",
    method: "PATCH",
    path: "/keys/{id}",
    args: ["id"],
    body: KEY_RULES,
    show: table(RULE_COLS),
  },
  {
    cmd: "usage",
    summary: "A tenant's usage by day (this month by default)",
    method: "GET",
    path: "/tenants/{tenant}/usage",
    need: ["tenant"],
    query: { from: S, to: S, key: { type: "string", field: "keyId" } },
    show: [
      fields([
        "from",
        "to",
        "totals.requests",
        "totals.cu",
        "totals.errors",
        ["month-cu", "month.cu"],
        "month.monthlyCu",
      ]),
      table(["day", "keyId", "chain", "family", "requests", "cu", "errors"], "rows"),
    ],
  },
  {
    cmd: "jobs",
    summary: "The scheduled jobs and their latest runs",
    method: "GET",
    path: "/jobs",
    show: table(
      ["job", "cron", "latest.status", "latest.startedAt", "latest.endedAt", "latest.error"],
      "jobs",
    ),
  },
  {
    cmd: "audit verify",
    summary: "Verify the audit log's chains (from row one, or --from an ISO date)",
    method: "GET",
    path: "/audit/verify",
    query: { from: S },
    show: [
      fields(["verified", ["strays", "strays.rows"]]),
      table(
        ["chain", "verified", "rows", "checkpointSeq", "anchoredSeq", "broken.seq", "broken.reason"],
        "chains",
      ),
    ],
  },
  {
    cmd: "compliance report",
    summary: "The compliance report of a period (the last 30 days by default)",
    method: "GET",
    path: "/compliance/report",
    query: { from: S, to: S },
    show: fields([
      ["from", "period.from"],
      ["to", "period.to"],
      ["sanctions version", "sanctions.current.version"],
      ["held set", "sanctions.pending.id"],
      ["snapshots", "sanctions.snapshots.length"],
      ["refused transactions", "refusedTransactions.length"],
      ["flagged transactions", "flaggedTransactions.length"],
      ["admin actions", "adminActions.length"],
      ["audit verified", "auditChain.verified"],
    ]),
  },
  {
    cmd: "sanctions pending",
    summary: "The sanctions set held for approval",
    method: "GET",
    path: "/sanctions/pending",
    show: fields(PENDING, { under: "pending", empty: "no sanctions set is held" }),
  },
  {
    cmd: "sanctions approve",
    summary: "Publish the held sanctions set",
    method: "POST",
    path: "/sanctions/pending/{id}/approve",
    args: ["id"],
    show: fields(["approved", ["version", "current.version"], "added", "removed"]),
  },
  {
    cmd: "sanctions reject",
    summary: "Discard the held sanctions set",
    method: "POST",
    path: "/sanctions/pending/{id}/reject",
    args: ["id"],
    show: fields(["rejected", ["version", "current.version"]]),
  },
];

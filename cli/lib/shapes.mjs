// The flags that become the admin API's body fields (workers/gateway/src/admin/schemas.ts), by
// resource, and the columns the tables show of each resource.

/** Flag types: text, number, comma-separated list, boolean (`--x` / `--no-x`). */
export const S = { type: "string" };
export const N = { type: "number" };
const L = { type: "list" };
const B = { type: "boolean" };
const rule = (field) => ({ type: "list", field, clearable: true });

export const PLAN_BODY = {
  name: S,
  "max-batch": N,
  namespaces: L,
  "cu-per-second": N,
  "burst-cu": N,
  "monthly-cu": N,
  "on-meter-down": S,
  "logs-max-block-range": N,
  "ws-max-connections": N,
  "ws-max-subscriptions": N,
  "ws-max-message-bytes": N,
  "ws-max-wildcard-subscriptions": N,
  "max-filters": N,
  screening: S,
  "unscreened-sends": L,
  "require-jwt": B,
};
export const CHAIN_CHANGES = {
  name: S,
  enabled: B,
  "budget-ms": N,
  "max-lag-blocks": N,
  "block-time-ms": N,
  "finality-depth": N,
  "logs-block-range": N,
  "logs-max-results": N,
  "max-response-bytes": N,
};
// The upstream's URL is `--upstream-url`: `--url` is the gateway's (a global flag), and one flag must
// never mean both (the admin token would go to the provider).
export const UPSTREAM_BODY = {
  name: S,
  "upstream-url": { type: "string", field: "url" },
  enabled: B,
  capabilities: L,
  "oldest-block": N,
  public: B,
};
export const KEY_RULES = {
  origins: rule("allowedOrigins"),
  ips: rule("allowedIps"),
  methods: rule("allowedMethods"),
  contracts: rule("allowedContracts"),
  chains: rule("allowedChains"),
  "require-jwt": B,
};

export const PLAN_COLS = [
  "id",
  "name",
  "cuPerSecond",
  "burstCu",
  "monthlyCu",
  "maxBatch",
  "namespaces",
  "createdAt",
];
export const TENANT_COLS = ["id", "name", "planId", "status", "createdAt"];
export const KEY_COLS = ["id", "name", "prefix", "cuPerSecond", "requireJwt", "revokedAt", "createdAt"];
export const RULE_COLS = [
  "id",
  "allowedOrigins",
  "allowedIps",
  "allowedMethods",
  "allowedContracts",
  "allowedChains",
];
export const CHAIN_COLS = ["slug", "kind", "chainId", "name", "enabled", "blockTimeMs", "maxLagBlocks"];
export const UPSTREAM_COLS = ["id", "name", "enabled", "capabilities", "oldestBlock", "disabledReason"];
export const HEALTH_COLS = ["id", "state", "score", "head", "lag", "latencyMs.ewma", "errorRate", "circuit"];
export const PENDING = ["id", "status", "at", "size", "added", "removed", "share", "baseVersion"];

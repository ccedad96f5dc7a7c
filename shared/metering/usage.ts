/**
 * @module
 * Usage as it is counted and stored: one row per UTC day, key, chain and method family, with the
 * calls, the CU they cost and how many were answered with an error. Pure.
 */

/** Method families usage is broken down by; the other authenticated endpoints count by their names. */
export type MethodFamily =
  | "read"
  | "call"
  | "logs"
  | "filter"
  | "send"
  | "subscribe"
  | "trace"
  | "debug"
  | "txpool"
  | "invalid"
  | EndpointFamily;

/** Requests to the endpoints other than JSON-RPC: GET /v1/usage, /v1/prices, /v1/validators, health. */
export type EndpointFamily = "usage" | "prices" | "validators" | "health";

const FAMILY_OF: Record<string, MethodFamily> = {
  eth_call: "call",
  eth_estimateGas: "call",
  eth_createAccessList: "call",
  eth_getLogs: "logs",
  eth_getFilterLogs: "logs",
  eth_newFilter: "filter",
  eth_newBlockFilter: "filter",
  eth_newPendingTransactionFilter: "filter",
  eth_getFilterChanges: "filter",
  eth_uninstallFilter: "filter",
  eth_sendRawTransaction: "send",
  eth_subscribe: "subscribe",
  eth_unsubscribe: "subscribe",
  eth_subscription: "subscribe",
};
const FAMILY_OF_NAMESPACE: Record<string, MethodFamily> = {
  trace: "trace",
  debug: "debug",
  txpool: "txpool",
};

/** The family of a call; `undefined` (no method: an invalid item) is "invalid". */
export function familyOf(method: string | undefined): MethodFamily {
  if (method === undefined) return "invalid";
  // Own properties only: a method named "constructor" or "__proto__" is a read, not Object's.
  if (Object.hasOwn(FAMILY_OF, method)) return FAMILY_OF[method] as MethodFamily;
  const namespace = method.slice(0, method.indexOf("_"));
  return Object.hasOwn(FAMILY_OF_NAMESPACE, namespace)
    ? (FAMILY_OF_NAMESPACE[namespace] as MethodFamily)
    : "read";
}

export interface UsageCounts {
  requests: number;
  cu: number;
  errors: number;
}

export interface UsageRow extends UsageCounts {
  /** YYYY-MM-DD, UTC. */
  day: string;
  keyId: string;
  chain: string;
  family: MethodFamily;
}

const DAY_MS = 86_400_000;

/**
 * The UTC day `now` (ms) falls in, as YYYY-MM-DD, for years 0 to 9999. Integer arithmetic (H.
 * Hinnant's civil_from_days), not a Date: formatting one would cost more than the rest of metering.
 */
export function dayOf(now: number): string {
  const z = Math.floor(now / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${month < 10 ? "0" : ""}${month}-${day < 10 ? "0" : ""}${day}`;
}

/** Identifies a row: two rows with the same key are added together. */
export function usageKey(row: Pick<UsageRow, "day" | "keyId" | "chain" | "family">): string {
  return `${row.day}|${row.keyId}|${row.chain}|${row.family}`;
}

/** Adds `row` into `rows`, into the row with the same key when there is one. */
export function addUsage(rows: Map<string, UsageRow>, row: UsageRow): void {
  const key = usageKey(row);
  const existing = rows.get(key);
  if (!existing) {
    rows.set(key, { ...row });
    return;
  }
  existing.requests += row.requests;
  existing.cu += row.cu;
  existing.errors += row.errors;
}

/**
 * @module
 * Usage as it is counted and stored: one row per UTC day, key, chain and method family, with the
 * calls, the CU they cost and how many were answered with an error. Pure.
 */

/** Method families usage is broken down by. */
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
  | "invalid";

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
  const family = FAMILY_OF[method];
  if (family) return family;
  return FAMILY_OF_NAMESPACE[method.slice(0, method.indexOf("_"))] ?? "read";
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
/** The last day asked for: formatting a date costs more than the rest of a request's metering. */
let last = { start: 0, day: "1970-01-01" };

/** The UTC day `now` (ms) falls in, as YYYY-MM-DD. */
export function dayOf(now: number): string {
  if (now < last.start || now >= last.start + DAY_MS) {
    const start = now - (((now % DAY_MS) + DAY_MS) % DAY_MS);
    last = { start, day: new Date(start).toISOString().slice(0, 10) };
  }
  return last.day;
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

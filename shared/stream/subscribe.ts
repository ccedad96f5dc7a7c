/**
 * @module
 * The params of eth_subscribe and eth_unsubscribe, checked: what is subscribed to, its logs filter,
 * and where a resumed subscription picks up. Pure.
 */
import { InvalidParamsError } from "../errors/kinds";
import { type LogFilter, parseLogFilter } from "./logFilter";

export const SUBSCRIPTION_KINDS = ["newHeads", "logs", "newPendingTransactions"] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

export interface SubscribeRequest {
  kind: SubscriptionKind;
  /** The logs filter as sent (kept to rebuild `filter` after a restart); undefined otherwise. */
  filterRaw: unknown;
  filter: LogFilter | undefined;
  /** Send every buffered event after this sequence number first. */
  resumeAfter: number | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A trailing `{"resumeAfter": n}` param: the gateway's own extension, optional on every kind. */
function resumeOf(param: unknown): number | undefined {
  if (!isObject(param) || !("resumeAfter" in param)) return undefined;
  const extra = Object.keys(param).filter((k) => k !== "resumeAfter");
  if (extra.length > 0) {
    throw new InvalidParamsError(`the resume param takes only "resumeAfter", not "${extra[0]}"`);
  }
  const value = param.resumeAfter;
  const n = typeof value === "string" && /^0x[0-9a-f]+$/i.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw new InvalidParamsError(
      "resumeAfter must be the seq of the last notification received (params.seq), a non-negative integer",
    );
  }
  return n;
}

export function parseSubscribe(params: unknown): SubscribeRequest {
  const list = Array.isArray(params) ? [...params] : undefined;
  if (!list || list.length === 0) {
    throw new InvalidParamsError(
      `eth_subscribe expects ["${SUBSCRIPTION_KINDS.join('" | "')}", ...]: params must be a non-empty array`,
    );
  }
  const resumeAfter = list.length > 1 ? resumeOf(list.at(-1)) : undefined;
  if (resumeAfter !== undefined) list.pop();
  const kind = list[0];
  if (typeof kind !== "string" || !(SUBSCRIPTION_KINDS as readonly string[]).includes(kind)) {
    throw new InvalidParamsError(
      `unknown subscription ${JSON.stringify(kind)?.slice(0, 64)}: use one of ${SUBSCRIPTION_KINDS.join(", ")}`,
    );
  }
  if (kind === "logs") {
    if (list.length > 2) throw new InvalidParamsError('eth_subscribe "logs" takes one filter object');
    return { kind, filterRaw: list[1] ?? null, filter: parseLogFilter(list[1]), resumeAfter };
  }
  // newHeads and newPendingTransactions take no options; geth ignores an options object, so do we.
  if (list.length > 2 || (list.length === 2 && list[1] !== null && !isObject(list[1]))) {
    throw new InvalidParamsError(`eth_subscribe "${kind}" takes no params besides an optional resume point`);
  }
  return { kind: kind as SubscriptionKind, filterRaw: null, filter: undefined, resumeAfter };
}

/**
 * Whether a subscription takes every log (no address) or every pending transaction of the chain:
 * such subscriptions are capped per tenant, as each costs the shard work on every block.
 */
export function isWildcard(sub: { kind: SubscriptionKind; filter: LogFilter | undefined }): boolean {
  if (sub.kind === "newPendingTransactions") return true;
  return sub.kind === "logs" && (sub.filter?.addresses === undefined || sub.filter.addresses.size === 0);
}

/** The subscription id eth_unsubscribe names. */
export function parseUnsubscribe(params: unknown): string {
  const id = Array.isArray(params) ? params[0] : undefined;
  if (!Array.isArray(params) || params.length !== 1 || typeof id !== "string") {
    throw new InvalidParamsError('eth_unsubscribe expects ["<subscription id>"]');
  }
  return id;
}

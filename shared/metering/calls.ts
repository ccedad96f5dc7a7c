/**
 * @module
 * What a request's calls cost and how they count in usage. A call the gateway refuses (invalid, or a
 * method the key may not call) costs nothing but still counts as a request answered with an error.
 * Pure.
 */
import type { GatewayError } from "../errors/base";
import type { RpcCall, RpcItem } from "../jsonrpc/parse";
import { cuOf } from "./computeUnits";
import { dayOf, familyOf, type UsageRow } from "./usage";

/**
 * The CU of each item, in order, given why each is refused (shared/pipeline/authorize.ts) and how
 * many upstream calls each makes (eth_getLogs' chunks; 1 by default): a call is charged per call.
 */
export function costsOf(
  items: readonly RpcItem[],
  refusals: readonly (GatewayError | undefined)[],
  unitsOf: (call: RpcCall) => number = () => 1,
): number[] {
  return items.map((item, i) =>
    item.ok && refusals[i] === undefined ? cuOf(item.method) * unitsOf(item) : 0,
  );
}

export interface UsageOfParameters {
  items: readonly RpcItem[];
  costs: readonly number[];
  /** Whether each item was answered with an error; undefined when the request failed as a whole. */
  failed: readonly boolean[] | undefined;
  keyId: string;
  chain: string;
  now: number;
}

/** The usage rows of one admitted request, one per item. */
export function usageOf({ items, costs, failed, keyId, chain, now }: UsageOfParameters): UsageRow[] {
  const day = dayOf(now);
  return items.map((item, i) => ({
    day,
    keyId,
    chain,
    family: familyOf(item.ok ? item.method : undefined),
    requests: 1,
    cu: costs[i] ?? 0,
    errors: failed?.[i] === false ? 0 : 1,
  }));
}

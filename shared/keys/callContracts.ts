/**
 * @module
 * The contract addresses a call touches, for a key's `allowedContracts`: the `to` of a call object
 * (eth_call, eth_estimateGas, eth_createAccessList, debug_traceCall, trace_call, each call of
 * eth_simulateV1 and trace_callMany), the `address` of a log filter (eth_getLogs, eth_newFilter,
 * eth_subscribe "logs"), and the `to` of each signed transaction a send submits (the methods
 * shared/screening/submissions.ts decodes: eth_sendRawTransaction and its Conditional, Sync and
 * private forms, eth_sendPrivateTransaction's `tx`, eth_sendBundle's `txs`; trace_rawTransaction).
 * Method names are matched without regard to case, as nodes match them. Fails closed: a call that
 * names no address (a contract creation, a filter on every address) or whose params cannot be read
 * comes back `missing`, and so does a send method the gateway cannot decode. Pure.
 */

import { MAX_SUBMITTED_TRANSACTIONS } from "../screening/decodeSubmission";
import { signedTransaction } from "../screening/parties";
import { isSendMethod } from "../screening/sendMethods";
import { submittedTransactions } from "../screening/submissions";

/**
 * `addresses`: every address the call touches, as the caller wrote them (compare lower-cased);
 * `field`: where they were read. `missing`: why no complete list can be read, as a phrase that
 * follows the method's name ("without a to address (a contract creation)").
 */
export type CallContracts = { addresses: string[]; field: "to" | "address" } | { missing: string };

type Reader = (params: unknown) => CallContracts;

const CREATION = "without a to address (a contract creation)";
const NO_FILTER_ADDRESS = "without an address filter (it would match the logs of every contract)";

function first(params: unknown): unknown {
  return Array.isArray(params) ? params[0] : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether `object` has a key that a node decoding JSON without regard to case (Go's encoding/json:
 * geth, Erigon) would read as `name`, other than `name` itself: `{"to":A,"To":B}` would pass here
 * as A and run against B there.
 */
function hasLookAlike(object: Record<string, unknown>, name: string): boolean {
  for (const key of Object.keys(object)) if (key !== name && key.toLowerCase() === name) return true;
  return false;
}

/** Whether `value` is an object holding any of `names` (lower-case), in any case. */
function holdsAny(value: unknown, names: readonly string[]): boolean {
  if (!isObject(value)) return false;
  return Object.keys(value).some((key) => names.includes(key.toLowerCase()));
}

const OVERRIDES = "with state or block overrides (they would run other code at an allowed address)";
const OVERRIDE_KEYS = ["stateoverrides", "blockoverrides", "stateoverride", "blockoverride"];

/** The `to` of each call object; missing when one has none. */
function callTargets(calls: readonly unknown[]): CallContracts {
  const addresses: string[] = [];
  for (const call of calls) {
    if (!isObject(call)) return { missing: "with a call that is not an object" };
    if (hasLookAlike(call, "to")) return { missing: "with a second to key in another case" };
    const to = call.to;
    if (to === undefined || to === null) return { missing: CREATION };
    if (typeof to !== "string") return { missing: "with a to that is not an address" };
    addresses.push(to);
  }
  return { addresses, field: "to" };
}

/** A log filter's `address`: a string or a non-empty array of strings. */
function filterAddresses(filter: unknown): CallContracts {
  if (!isObject(filter)) return { missing: NO_FILTER_ADDRESS };
  if (hasLookAlike(filter, "address")) return { missing: "with a second address key in another case" };
  const address = filter.address;
  if (typeof address === "string") return { addresses: [address], field: "address" };
  if (address === undefined || address === null) return { missing: NO_FILTER_ADDRESS };
  if (!Array.isArray(address) || address.length === 0) return { missing: NO_FILTER_ADDRESS };
  if (!address.every((a) => typeof a === "string")) {
    return { missing: "with an address filter that is not a list of addresses" };
  }
  return { addresses: address as string[], field: "address" };
}

/** The `to` of each signed transaction `raws` holds. */
function transactionTargets(raws: readonly unknown[]): CallContracts {
  if (raws.length === 0) return { missing: "without a transaction" };
  if (raws.length > MAX_SUBMITTED_TRANSACTIONS) {
    return { missing: `with more than ${MAX_SUBMITTED_TRANSACTIONS} transactions` };
  }
  const addresses: string[] = [];
  for (const raw of raws) {
    let to: string | undefined;
    try {
      to = signedTransaction(raw).to;
    } catch {
      return { missing: "with a transaction that cannot be decoded to read its to address" };
    }
    if (to === undefined) return { missing: CREATION };
    addresses.push(to);
  }
  return { addresses, field: "to" };
}

function simulatedCalls(params: unknown): CallContracts {
  const payload = first(params);
  const blocks = isObject(payload) ? payload.blockStateCalls : undefined;
  if (!Array.isArray(blocks)) return { missing: "without a list of blockStateCalls" };
  const calls: unknown[] = [];
  for (const block of blocks) {
    if (holdsAny(block, OVERRIDE_KEYS)) return { missing: OVERRIDES };
    const inner = isObject(block) ? block.calls : undefined;
    if (inner === undefined) continue;
    if (!Array.isArray(inner)) return { missing: "with calls that is not a list" };
    calls.push(...inner);
  }
  return calls.length === 0 ? { missing: "without a call" } : callTargets(calls);
}

function tracedCalls(params: unknown): CallContracts {
  const pairs = first(params);
  if (!Array.isArray(pairs) || pairs.length === 0) return { missing: "without a call" };
  return callTargets(pairs.map((pair) => (Array.isArray(pair) ? pair[0] : undefined)));
}

/** Nothing given: absent, null, or an empty object. */
const isEmpty = (value: unknown) => value == null || (isObject(value) && Object.keys(value).length === 0);

/**
 * A call object first, and after its first `plain` params (the block, trace types) nothing that
 * changes what runs: eth_call's state and block overrides, or a tracer config (at `config`) with
 * `stateOverrides`/`blockOverrides`.
 */
function overridable(plain: number, config?: number): Reader {
  return (params) => {
    if (Array.isArray(params)) {
      for (let i = plain; i < params.length; i++) {
        const extra = params[i];
        if (i === config ? holdsAny(extra, OVERRIDE_KEYS) : !isEmpty(extra)) return { missing: OVERRIDES };
      }
    }
    return callTargets([first(params)]);
  };
}
const logFilter: Reader = (params) => filterAddresses(first(params));

/** Readers by lower-case method name (sends are read through shared/screening/submissions.ts). */
const READERS: Readonly<Record<string, Reader>> = {
  eth_call: overridable(2),
  eth_estimategas: overridable(2),
  eth_createaccesslist: overridable(2),
  debug_tracecall: overridable(2, 2),
  trace_call: overridable(3),
  eth_simulatev1: simulatedCalls,
  trace_callmany: tracedCalls,
  eth_getlogs: logFilter,
  eth_newfilter: logFilter,
  trace_rawtransaction: (params) => transactionTargets([first(params)]),
  eth_subscribe: (params) => filterAddresses(Array.isArray(params) ? params[1] : undefined),
};

/**
 * The addresses `method` touches with `params`, `missing` when they cannot all be named, or
 * undefined when `allowedContracts` does not cover the method (eth_subscribe other than "logs").
 */
export function contractsOf(method: string, params: unknown): CallContracts | undefined {
  const lower = method.toLowerCase();
  if (lower === "eth_subscribe" && first(params) !== "logs") return undefined;
  const reader = Object.hasOwn(READERS, lower) ? READERS[lower] : undefined;
  if (reader) return reader(params);
  const raws = submittedTransactions(method, params);
  if (raws !== undefined) return transactionTargets(raws);
  if (isSendMethod(method)) {
    return { missing: "(a send whose transactions the gateway cannot decode)" };
  }
  return undefined;
}

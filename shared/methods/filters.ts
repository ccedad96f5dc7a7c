/**
 * @module
 * Filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter; polled with
 * eth_getFilterChanges / eth_getFilterLogs, removed with eth_uninstallFilter) live on the node that
 * made them. The id a client gets is opaque: the upstream's id and the node's filter id, with a MAC
 * over them and the tenant. A poll goes to that upstream only; an id of another tenant, a forged
 * one, or one whose upstream is gone gets "filter not found", as a node says it.
 *
 * Filters per tenant are capped by its plan (`maxFilters`): each new filter is held on the tenant's
 * meter object for FILTER_TTL_MS, renewed by polls; a filter over the cap is uninstalled at its node
 * and refused. eth_uninstallFilter, or a poll the node answers "filter not found", releases it.
 */
import { hexToString, isHex, keccak256, stringToHex } from "viem";
import { type CallResult, refused } from "../cache/callCache";
import type { GatewayError } from "../errors/base";
import { FilterNotFoundError, LimitExceededError, MeterUnavailableError } from "../errors/kinds";
import { TtlCache } from "../isolate/ttlCache";
import { within } from "../isolate/within";
import type { RpcCall } from "../jsonrpc/parse";
import { sendCalls } from "../upstream/sendCalls";
import { rangeChecked } from "./eth_getLogs";
import type { ForwardContext, ForwardPlan, MethodHooks } from "./hooks";

/** A filter counts against the plan this long after it was made or last renewed: as long as geth and anvil keep one unpolled. */
export const FILTER_TTL_MS = 5 * 60_000;
/** A poll renews its filter's hold at most this often per isolate, so polls rarely call the meter. */
const RENEW_EVERY_MS = 60_000;
/** Longest a filter call waits on the tenant's meter. */
const METER_TIMEOUT_MS = 1_000;
/** Longest the gateway waits for a node to uninstall a filter it refused. */
const UNINSTALL_TIMEOUT_MS = 2_000;
/** Filters whose hold this isolate took or renewed lately. Bound: 10,000 (the first-added goes); lifetime: RENEW_EVERY_MS. */
const renewed = new TtlCache<true>(10_000);

const TAG_HEX = 32;

/** 16 bytes of keccak256 over the secret, the tenant, the upstream and the node's id. */
function tagOf(context: ForwardContext, upstreamId: string, nodeId: string): string {
  const message = `filter-id:v1\n${context.secret}\n${context.key.tenantId}\n${upstreamId}\n${nodeId}`;
  return keccak256(stringToHex(message)).slice(2, 2 + TAG_HEX);
}

/** The id handed to the client for the node's filter `nodeId` on `upstreamId`. */
export function filterIdFor(context: ForwardContext, upstreamId: string, nodeId: string): string {
  return `${stringToHex(`${upstreamId}.${nodeId}`)}${tagOf(context, upstreamId, nodeId)}`;
}

/** The upstream and node id behind a client's filter id, if this tenant was given it. */
export function openFilterId(context: ForwardContext, id: unknown) {
  if (typeof id !== "string" || !isHex(id) || id.length > 512 || id.length % 2 !== 0) return undefined;
  const payload = id.slice(0, -TAG_HEX);
  if (payload.length < 4) return undefined;
  let text: string;
  try {
    text = hexToString(payload as `0x${string}`);
  } catch {
    return undefined;
  }
  const dot = text.indexOf(".");
  const upstreamId = text.slice(0, dot);
  const nodeId = text.slice(dot + 1);
  if (dot < 1 || id.slice(-TAG_HEX) !== tagOf(context, upstreamId, nodeId)) return undefined;
  return { upstreamId, nodeId };
}

/** A new filter's id, wrapped for the client and held against the plan's cap; anything else passes on as the node gave it. */
async function holdNewFilter(parts: CallResult[], context: ForwardContext): Promise<CallResult> {
  const result = parts[0] as CallResult;
  if (!result.outcome.ok || result.upstreamId === undefined) return result;
  const nodeId: unknown = JSON.parse(result.outcome.resultRaw);
  if (typeof nodeId !== "string") return result;
  const id = filterIdFor(context, result.upstreamId, nodeId);
  const refusal = await holdRefusal(context, id);
  if (refusal) {
    // A hold that timed out may still have been taken.
    if (refusal instanceof MeterUnavailableError) context.waitUntil(release(context, id));
    await uninstallAtNode(context, result.upstreamId, nodeId);
    return { ...refused(refusal, result.attempts), upstreamId: result.upstreamId };
  }
  renewed.set(id, true, RENEW_EVERY_MS);
  return { ...result, outcome: { ok: true, resultRaw: JSON.stringify(id) } };
}

/** Why a new filter may not be held, if it may not: the plan's cap, or no meter on a plan that fails closed. */
async function holdRefusal(context: ForwardContext, id: string): Promise<GatewayError | undefined> {
  const max = context.key.maxFilters;
  const held = await askMeter(context, () =>
    context.holds().hold({ kind: "filter", id, max, ttlMs: FILTER_TTL_MS }),
  );
  if (held === true) return undefined;
  if (held === false) {
    return new LimitExceededError(
      `filter limit reached: this plan allows ${max} filters at once; uninstall one with eth_uninstallFilter, or leave one unpolled for 5 minutes and it expires`,
      { data: { limit: "filters", maxFilters: max } },
    );
  }
  if (context.key.limits.onMeterDown === "open") return undefined;
  return new MeterUnavailableError(
    "filter limit cannot be checked: the rate limiter is unavailable and this plan refuses while it is; retry shortly",
  );
}

/**
 * After a poll: a filter its node no longer has is released (the client may make another at once);
 * one it has renews its hold, at most every RENEW_EVERY_MS in this isolate, after the answer. A
 * renewal refused (the hold lapsed, and the tenant has made others up to the cap since) uninstalls
 * the filter, as its node would have once it expired.
 */
function afterPoll(parts: CallResult[], context: ForwardContext, call: RpcCall) {
  const result = parts[0] as CallResult;
  const id = (call.params as unknown[])[0] as string;
  if (notFound(result)) return release(context, id).then(() => result);
  if (result.outcome.ok && renewed.get(id) === undefined) {
    renewed.set(id, true, RENEW_EVERY_MS);
    const max = context.key.maxFilters;
    const renew = async () => {
      const held = await askMeter(context, () =>
        context.holds().hold({ kind: "filter", id, max, ttlMs: FILTER_TTL_MS }),
      );
      const opened = held === false ? openFilterId(context, id) : undefined;
      if (opened) await uninstallAtNode(context, opened.upstreamId, opened.nodeId);
    };
    context.waitUntil(renew());
  }
  return result;
}

/** After eth_uninstallFilter: the node answered (true, or false for a filter it no longer had), so its hold goes. */
function afterUninstall(parts: CallResult[], context: ForwardContext, call: RpcCall) {
  const result = parts[0] as CallResult;
  if (!result.outcome.ok && !notFound(result)) return result;
  return release(context, (call.params as unknown[])[0] as string).then(() => result);
}

/** Releases a filter's hold, before the answer: a client that uninstalled one may make another at once. */
async function release(context: ForwardContext, id: string): Promise<void> {
  renewed.delete(id);
  await askMeter(context, () => context.holds().release({ kind: "filter", ids: [id] }));
}

/** Removes a filter from its node, best effort: a node that does not answer drops it after 5 minutes unpolled. */
async function uninstallAtNode(context: ForwardContext, upstreamId: string, nodeId: string) {
  const upstream = context.chain.upstreams.find((u) => u.id === upstreamId);
  if (!upstream) return;
  const calls = [{ method: "eth_uninstallFilter", paramsRaw: JSON.stringify([nodeId]) }];
  const [outcome] = await sendCalls({ upstream, calls, timeoutMs: UNINSTALL_TIMEOUT_MS });
  if (!outcome?.ok) warn("filter_uninstall_failed", context, outcome?.error.message);
}

/** A call to the tenant's meter, within METER_TIMEOUT_MS; undefined when it failed or took longer. */
async function askMeter<T>(context: ForwardContext, ask: () => Promise<T>): Promise<T | undefined> {
  try {
    return await within(ask(), METER_TIMEOUT_MS, undefined);
  } catch (err) {
    warn("filter_meter_failed", context, err);
    return undefined;
  }
}

/** The node's own "filter not found" (a client error as normalised): it has no such filter. */
function notFound({ outcome }: CallResult): boolean {
  return !outcome.ok && outcome.fault === "client" && /filter not found/i.test(outcome.error.message);
}

function warn(event: string, context: ForwardContext, error: unknown) {
  console.warn(JSON.stringify({ event, tenantId: context.key.tenantId, error: String(error).slice(0, 200) }));
}

/** The poll or uninstall sent to the filter's own upstream with the node's id, or "filter not found". */
function toOwnUpstream(call: RpcCall, context: ForwardContext): ForwardPlan {
  const params = Array.isArray(call.params) ? [...call.params] : [];
  const opened = openFilterId(context, params[0]);
  if (!opened || !context.chain.upstreams.some((u) => u.id === opened.upstreamId)) {
    return { error: new FilterNotFoundError("filter not found") };
  }
  params[0] = opened.nodeId;
  return { calls: [{ ...call, params, paramsRaw: JSON.stringify(params), upstreamId: opened.upstreamId }] };
}

const creates: MethodHooks = { after: holdNewFilter };

/** A log filter's range follows eth_getLogs' rules: eth_getFilterLogs reads it whole. */
export const eth_newFilter: MethodHooks = { ...creates, before: rangeChecked.before };
export const eth_newBlockFilter = creates;
export const eth_newPendingTransactionFilter = creates;
export const eth_getFilterChanges: MethodHooks = { before: toOwnUpstream, after: afterPoll };
export const eth_getFilterLogs: MethodHooks = { before: toOwnUpstream, after: afterPoll };
export const eth_uninstallFilter: MethodHooks = { before: toOwnUpstream, after: afterUninstall };

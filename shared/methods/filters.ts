/**
 * @module
 * Filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter; polled with
 * eth_getFilterChanges / eth_getFilterLogs, removed with eth_uninstallFilter) live on the node that
 * made them. The id a client gets is opaque: the upstream's id and the node's filter id, with a MAC
 * over them and the tenant. A poll goes to that upstream only; an id of another tenant, a forged
 * one, or one whose upstream is gone gets "filter not found", as a node says it.
 */
import { hexToString, isHex, keccak256, stringToHex } from "viem";
import type { CallResult } from "../cache/callCache";
import { FilterNotFoundError } from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import { rangeChecked } from "./eth_getLogs";
import type { ForwardContext, ForwardPlan, MethodHooks } from "./hooks";

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

/** A new filter's id, wrapped for the client; anything else passes on as the node gave it. */
function wrapNewId(parts: CallResult[], context: ForwardContext): CallResult {
  const result = parts[0] as CallResult;
  if (!result.outcome.ok || result.upstreamId === undefined) return result;
  const nodeId: unknown = JSON.parse(result.outcome.resultRaw);
  if (typeof nodeId !== "string") return result;
  const id = filterIdFor(context, result.upstreamId, nodeId);
  return { ...result, outcome: { ok: true, resultRaw: JSON.stringify(id) } };
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

const creates: MethodHooks = { after: wrapNewId };
const uses: MethodHooks = { before: toOwnUpstream };

/** A log filter's range follows eth_getLogs' rules: eth_getFilterLogs reads it whole. */
export const eth_newFilter: MethodHooks = { ...creates, before: rangeChecked.before };
export const eth_newBlockFilter = creates;
export const eth_newPendingTransactionFilter = creates;
export const eth_getFilterChanges = uses;
export const eth_getFilterLogs = uses;
export const eth_uninstallFilter = uses;

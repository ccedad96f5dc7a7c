/**
 * @module
 * Answers parsed JSON-RPC items: invalid ones and refused methods get errors, some methods are
 * answered by the gateway, and the rest go through the response cache to the chain's upstreams,
 * each routed on its own.
 */

import type { CacheMode, CacheStatus, ForwardCachedReturnType } from "../cache/forwardCached";
import type { ChainConfig } from "../config/chains";
import type { Env } from "../config/env";
import type { GatewayError } from "../errors/base";
import type { RpcCall, RpcItem } from "../jsonrpc/parse";
import { errorEntry, resultEntry } from "../jsonrpc/serialize";
import type { KeyContext } from "../keys/resolveKey";
import { answerLocally } from "../methods";
import { forwardLogs } from "../methods/forwardLogs";
import { checkMethodAllowed } from "../methods/namespaces";
import { probeChain } from "../routing/probe";
import { screenTransactions } from "../screening/screen";
import { createSender } from "../upstream/batchSender";
import type { CallOutcome } from "../upstream/sendCalls";

export interface Answer {
  /** The response entry, or undefined for a notification. */
  entry: string | undefined;
  /** False when the answer is a JSON-RPC error. */
  ok: boolean;
  /** HTTP status this answer would have on its own. */
  status: number;
  /** The gateway error behind this answer, if any (for logs). */
  error?: GatewayError;
  /** Opaque id of the upstream whose answer this is. */
  upstreamId?: string | undefined;
  /** Whether the cache served it; BYPASS for everything not cacheable, answered here or refused. */
  cache: CacheStatus;
}

export interface AnswerItemsParameters {
  env: Env;
  items: readonly RpcItem[];
  key: KeyContext;
  chain: ChainConfig;
  /** Longest one upstream attempt may take. */
  attemptTimeoutMs: number;
  cacheMode: CacheMode;
  waitUntil: (p: Promise<unknown>) => void;
  /** Calls the caller answers itself (a WebSocket's subscriptions), after the method checks. */
  answerHere?: (call: RpcCall) => Promise<HereAnswer> | undefined;
}

/** What `answerHere` gives back for a call it answers: the raw JSON result, or the error. */
export type HereAnswer = { resultRaw: string } | { error: GatewayError };

export interface AnswerItemsReturnType {
  answers: Answer[];
  /** Upstream requests made, over all calls; undefined when no call went to an upstream. */
  attempts: number | undefined;
}

export async function answerItems({
  env,
  items,
  key,
  chain,
  attemptTimeoutMs,
  cacheMode,
  waitUntil,
  answerHere,
}: AnswerItemsParameters): Promise<AnswerItemsReturnType> {
  const answers: Answer[] = new Array(items.length);
  const forwarded: number[] = [];
  const here: Promise<void>[] = [];
  const screening = screenTransactions(env, items, key, chain.slug);
  const refusals = screening && (await screening);
  items.forEach((item, i) => {
    if (!item.ok) {
      answers[i] = failed(item.id, item.error);
      return;
    }
    const refused = checkMethodAllowed(item.method, key.namespaces) ?? refusals?.get(i);
    if (refused) {
      answers[i] = failed(item.id, refused);
      return;
    }
    const own = answerHere?.(item);
    if (own) {
      here.push(
        own.then((a) => {
          answers[i] = fromHere(item, a);
        }),
      );
      return;
    }
    const local = answerLocally(item);
    if (local !== undefined) answers[i] = reply(item.id, (id) => resultEntry(id, local));
    else forwarded.push(i);
  });
  if (forwarded.length === 0) {
    await Promise.all(here);
    return { answers, attempts: undefined };
  }

  const deadline = Date.now() + chain.budgetMs;
  const probing = probeChain(env.CONFIG_KV, chain, waitUntil);
  if (probing) await probing;
  const results = await forwardLogs({
    env,
    calls: forwarded.map((i) => items[i] as RpcCall),
    chain,
    send: createSender(),
    deadline,
    attemptTimeoutMs,
    cacheMode,
    logsMaxBlockRange: key.logsMaxBlockRange,
    waitUntil,
  });
  let attempts: number | undefined;
  forwarded.forEach((itemIndex, j) => {
    const { outcome, upstreamId, attempts: n, cache } = results[j] as ForwardCachedReturnType;
    if (cache !== "HIT") attempts = (attempts ?? 0) + n;
    const answer = fromOutcome(items[itemIndex] as RpcCall, outcome);
    answer.upstreamId = upstreamId;
    answer.cache = cache;
    answers[itemIndex] = answer;
  });
  await Promise.all(here);
  return { answers, attempts };
}
/** An answer whose entry is made only for a request with an id: notifications get none. */
function reply(
  id: string | undefined,
  entry: (id: string) => string,
  ok = true,
  status = 200,
  error?: GatewayError,
): Answer {
  return { entry: id === undefined ? undefined : entry(id), ok, status, error, cache: "BYPASS" };
}

function failed(id: string | undefined, error: GatewayError): Answer {
  return reply(id, (id) => errorEntry(id, error.toJsonRpc()), false, error.httpStatus, error);
}

function fromHere(call: RpcCall, answer: HereAnswer): Answer {
  if ("error" in answer) return failed(call.id, answer.error);
  return reply(call.id, (id) => resultEntry(id, answer.resultRaw));
}

function fromOutcome(call: RpcCall, outcome: CallOutcome): Answer {
  if (outcome.ok) return reply(call.id, (id) => resultEntry(id, outcome.resultRaw));
  if (outcome.fault === "client") return reply(call.id, (id) => errorEntry(id, outcome.error), false);
  return failed(call.id, outcome.error);
}

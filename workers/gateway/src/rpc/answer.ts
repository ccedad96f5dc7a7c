/**
 * @module
 * Answers parsed JSON-RPC items: invalid ones and refused methods get errors, some methods are
 * answered by the gateway, and the rest go to one upstream in a single request.
 */
import type { GatewayError } from "../../../../shared/errors/base";
import { toGatewayError } from "../../../../shared/errors/kinds";
import type { RpcCall, RpcItem } from "../../../../shared/jsonrpc/parse";
import { errorEntry, resultEntry } from "../../../../shared/jsonrpc/serialize";
import { checkMethodAllowed } from "../../../../shared/methods/namespaces";
import type { KeyContext } from "../auth/resolveKey";
import type { ChainConfig } from "../config/chains";
import { answerLocally } from "../methods";
import { selectUpstream } from "../routing/selectUpstream";
import { type CallOutcome, sendCalls } from "../upstream/send";

export interface Answer {
  /** The response entry, or undefined for a notification. */
  entry: string | undefined;
  /** HTTP status this answer would have on its own. */
  status: number;
  /** The gateway error behind this answer, if any (for logs). */
  error?: GatewayError;
}

export interface AnswerItemsParameters {
  items: readonly RpcItem[];
  key: KeyContext;
  chain: ChainConfig;
  timeoutMs: number;
}

export interface AnswerItemsReturnType {
  answers: Answer[];
  /** Opaque id of the upstream that served forwarded calls. */
  upstreamId: string | undefined;
}

export async function answerItems({
  items,
  key,
  chain,
  timeoutMs,
}: AnswerItemsParameters): Promise<AnswerItemsReturnType> {
  const answers: Answer[] = new Array(items.length);
  const forwarded: number[] = [];
  items.forEach((item, i) => {
    if (!item.ok) {
      answers[i] = failed(item.id, item.error);
      return;
    }
    const refused = checkMethodAllowed(item.method, key.namespaces);
    const local = refused ? undefined : answerLocally(item);
    if (refused) answers[i] = failed(item.id, refused);
    else if (local !== undefined) answers[i] = reply(item.id, (id) => resultEntry(id, local));
    else forwarded.push(i);
  });
  if (forwarded.length === 0) return { answers, upstreamId: undefined };

  const calls = forwarded.map((i) => items[i] as RpcCall);
  let outcomes: CallOutcome[];
  let upstreamId: string | undefined;
  try {
    const upstream = selectUpstream(chain);
    upstreamId = upstream.id;
    outcomes = await sendCalls({ upstream, calls, timeoutMs });
  } catch (err) {
    const error = toGatewayError(err);
    outcomes = calls.map(() => ({ ok: false, fault: "node", error }));
  }
  forwarded.forEach((itemIndex, j) => {
    answers[itemIndex] = fromOutcome(calls[j] as RpcCall, outcomes[j] as CallOutcome);
  });
  return { answers, upstreamId };
}

/** An answer whose entry is made only for a request with an id: notifications get none. */
function reply(
  id: string | undefined,
  entry: (id: string) => string,
  status = 200,
  error?: GatewayError,
): Answer {
  return { entry: id === undefined ? undefined : entry(id), status, error };
}

function failed(id: string | undefined, error: GatewayError): Answer {
  return reply(id, (id) => errorEntry(id, error.toJsonRpc()), error.httpStatus, error);
}

function fromOutcome(call: RpcCall, outcome: CallOutcome): Answer {
  if (outcome.ok) return reply(call.id, (id) => resultEntry(id, outcome.resultRaw));
  if (outcome.fault === "client") return reply(call.id, (id) => errorEntry(id, outcome.error));
  return failed(call.id, outcome.error);
}

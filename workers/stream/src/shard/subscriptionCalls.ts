/**
 * @module
 * eth_subscribe and eth_unsubscribe on one connection: the plan's limit, the stored subscription,
 * the feed attached (with the events a resumed subscription missed), and the answer.
 */
import {
  InvalidParamsError,
  ResumeUnavailableError,
  StreamLimitError,
} from "../../../../shared/errors/kinds";
import type { RpcCall } from "../../../../shared/jsonrpc/parse";
import type { Connection } from "../../../../shared/stream/connection";
import { parseSubscribe, parseUnsubscribe } from "../../../../shared/stream/subscribe";
import type { FeedLink } from "./feedLink";
import type { Subscription, SubscriptionStore } from "./subscriptionStore";

/** A call answered: its raw JSON result (a refused call throws a gateway error). */
export type Answered = { resultRaw: string };

/** What the calls change: the shard's subscriptions, its feed link, and the ones set up this frame. */
export interface SubscriptionState {
  store: SubscriptionStore;
  link: FeedLink;
  /** Subscriptions answered in the frame being handled, whose backlog goes out after the answer. */
  settling: Set<Subscription>;
}

/** The subscribe and unsubscribe calls of `conn`, each answering with the result or throwing. */
export function subscriptionCalls(state: SubscriptionState, conn: Connection) {
  return {
    subscribe: (call: RpcCall): Promise<Answered> => subscribe(state, conn, call),
    unsubscribe: (call: RpcCall): Promise<Answered> => unsubscribe(state, conn, call),
  };
}

async function subscribe(state: SubscriptionState, conn: Connection, call: RpcCall): Promise<Answered> {
  const { store, link, settling } = state;
  const request = parseSubscribe(call.params);
  if (store.countOf(conn.connId) >= conn.maxSubscriptions) {
    throw new StreamLimitError(
      `this plan allows ${conn.maxSubscriptions} subscriptions per WebSocket: unsubscribe one first`,
    );
  }
  const id = subscriptionId();
  const sub: Subscription = {
    id,
    connId: conn.connId,
    kind: request.kind,
    filter: request.filter,
    backlog: [],
    sentSeq: 0,
  };
  store.add(sub, request.filterRaw);
  const attached = await link.attach(conn, store.hasPending(), request.resumeAfter).catch((err: unknown) => {
    store.remove(id);
    throw err;
  });
  if (!attached.ok) {
    store.remove(id);
    throw new ResumeUnavailableError(
      `resume point ${request.resumeAfter} is not in the replay buffer (seq ${attached.oldest - 1} to ${attached.latest}, the last 128 blocks): subscribe without resumeAfter and fetch the missed blocks with eth_getBlockByNumber / eth_getLogs`,
      { data: { oldestResumeAfter: attached.oldest - 1, latest: attached.latest } },
    );
  }
  sub.sentSeq = request.resumeAfter ?? 0;
  sub.backlog = [...attached.replay, ...(sub.backlog ?? [])];
  settling.add(sub);
  return { resultRaw: `"${id}"` };
}

async function unsubscribe(state: SubscriptionState, conn: Connection, call: RpcCall): Promise<Answered> {
  const id = parseUnsubscribe(call.params);
  const sub = state.store.get(id);
  if (!sub || sub.connId !== conn.connId) {
    throw new InvalidParamsError(`no subscription ${id.slice(0, 80)} on this connection`);
  }
  state.store.remove(id);
  await state.link.detachIfIdle(conn, state.store.size === 0);
  return { resultRaw: "true" };
}

/** A fresh subscription id: 16 random bytes as 0x-prefixed hex. */
function subscriptionId(): string {
  return `0x${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

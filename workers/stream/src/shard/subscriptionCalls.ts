/**
 * @module
 * eth_subscribe and eth_unsubscribe on one connection: the plan's caps as the frame applies them
 * (subscriptions per socket, wildcard subscriptions per tenant, held on the tenant's meter), the
 * stored subscription, the feed attached (with the events a resumed subscription missed), and the
 * answer. An ended subscription's waiting notifications are dropped at once.
 */
import type { Env } from "../../../../shared/config/env";
import {
  InvalidParamsError,
  InvalidRequestError,
  ResumeUnavailableError,
  StreamLimitError,
} from "../../../../shared/errors/kinds";
import type { RpcCall } from "../../../../shared/jsonrpc/parse";
import type { Connection } from "../../../../shared/stream/connection";
import { isWildcard, parseSubscribe, parseUnsubscribe } from "../../../../shared/stream/subscribe";
import type { FeedLink } from "./feedLink";
import type { SubscriptionCaps } from "./frames";
import { releaseWildcard, wildcardHold } from "./holds";
import type { Subscription, SubscriptionStore } from "./subscriptionStore";

/** A call answered: its raw JSON result (a refused call throws a gateway error). */
export type Answered = { resultRaw: string };

/** What the calls change: the shard's subscriptions, its feed link, and the ones set up this frame. */
export interface SubscriptionState {
  env: Env;
  store: SubscriptionStore;
  link: FeedLink;
  /** Subscriptions answered in the frame being handled, whose backlog goes out after the answer. */
  settling: Set<Subscription>;
  /** Drops what an ended subscription of `conn` has waiting for admission. */
  forget(conn: Connection, subId: string): void;
}

/**
 * The subscribe and unsubscribe calls of `conn`, each answering with the result or throwing; a
 * subscribe applies `caps`, as the frame has them.
 */
export function subscriptionCalls(state: SubscriptionState, conn: Connection) {
  return {
    subscribe: (call: RpcCall, caps: SubscriptionCaps): Promise<Answered> =>
      subscribe(state, conn, call, caps),
    unsubscribe: (call: RpcCall): Promise<Answered> => unsubscribe(state, conn, call),
  };
}

async function subscribe(
  state: SubscriptionState,
  conn: Connection,
  call: RpcCall,
  caps: SubscriptionCaps,
): Promise<Answered> {
  const { store, link, settling } = state;
  const request = parseSubscribe(call.params);
  const { maxSubscriptions, maxWildcardSubscriptions } = caps;
  if (store.countOf(conn.connId) >= maxSubscriptions) {
    throw new StreamLimitError(
      `this plan allows ${maxSubscriptions} subscriptions per WebSocket: unsubscribe one first`,
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
  const wildcard = isWildcard(request);
  const undo = async () => {
    store.remove(id);
    state.forget(conn, id);
    if (wildcard) await releaseWildcard(state.env, conn, id);
  };
  if (wildcard) {
    await holdWildcard(state.env, conn, id, maxWildcardSubscriptions).catch((err: unknown) => {
      store.remove(id);
      throw err;
    });
    // The socket closed meanwhile (its holds released before this one came): give it back.
    if (!store.has(id)) {
      await releaseWildcard(state.env, conn, id);
      throw new InvalidRequestError("the WebSocket closed while subscribing: reconnect and subscribe again");
    }
  }
  const attached = await link
    .attach(conn, store.hasPending(), request.resumeAfter)
    .catch(async (err: unknown) => {
      await undo();
      throw err;
    });
  if (!attached.ok) {
    await undo();
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
  state.forget(conn, id);
  // The subscription is gone: a release that fails is not the client's error (the hold expires).
  await Promise.allSettled([
    state.link.detachIfIdle(conn, state.store.size === 0),
    isWildcard(sub) ? releaseWildcard(state.env, conn, id) : undefined,
  ]);
  return { resultRaw: "true" };
}

/** Counts a wildcard subscription against the tenant's plan, over all its sockets, or refuses it. */
async function holdWildcard(env: Env, conn: Connection, id: string, max: number): Promise<void> {
  const held = await env.METER.getByName(conn.tenantId).hold(wildcardHold(conn, id, max));
  if (held) return;
  throw new StreamLimitError(
    `this plan allows ${max} wildcard subscriptions per tenant (logs without an address, newPendingTransactions): add an address filter or unsubscribe one`,
    { data: { maxWildcardSubscriptions: max } },
  );
}

/** A fresh subscription id: 16 random bytes as 0x-prefixed hex. */
function subscriptionId(): string {
  return `0x${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

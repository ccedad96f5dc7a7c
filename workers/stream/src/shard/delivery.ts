/**
 * @module
 * Feed events onto client sockets: each subscription gets the notifications an event makes for it
 * (shared/stream/notifications.ts), and the count sent is kept for billing.
 */
import type { Connection } from "../../../../shared/stream/connection";
import type { FeedEvent } from "../../../../shared/stream/events";
import { notificationsOf } from "../../../../shared/stream/notifications";
import type { Subscription } from "./subscriptionStore";
import { addBill, type Bills } from "./usage";

/** An accepted client socket and who it belongs to. */
export interface OpenSocket {
  ws: WebSocket;
  conn: Connection;
}

/** Sends `events` to one subscription, skipping those already sent; returns the notifications sent. */
export function sendEvents(ws: WebSocket, sub: Subscription, events: readonly FeedEvent[]): number {
  let n = 0;
  for (const event of events) {
    const { frames, sentSeq } = notificationsOf(sub, event);
    sub.sentSeq = sentSeq;
    for (const frame of frames) ws.send(frame);
    n += frames.length;
  }
  return n;
}

/**
 * Sends `events` to every subscription on an open socket; a subscription still being set up keeps
 * them in its backlog instead. Returns the notifications sent, in all and per key.
 */
export function deliverEvents(
  subs: Iterable<Subscription>,
  sockets: ReadonlyMap<string, OpenSocket>,
  events: readonly FeedEvent[],
): { sent: number; bills: Bills } {
  const bills: Bills = new Map();
  let sent = 0;
  for (const sub of subs) {
    const open = sockets.get(sub.connId);
    if (!open) continue;
    if (sub.backlog) {
      sub.backlog.push(...events);
      continue;
    }
    const n = sendEvents(open.ws, sub, events);
    if (n === 0) continue;
    sent += n;
    addBill(bills, open.conn, n);
  }
  return { sent, bills };
}

/**
 * Sends what the subscriptions of `ws` set up in this frame gathered meanwhile, after their ids went
 * out, and ends their setting up. Returns the notifications sent.
 */
export function flushSettled(
  settling: Set<Subscription>,
  isLive: (sub: Subscription) => boolean,
  ws: WebSocket,
  connId: string,
): number {
  let count = 0;
  for (const sub of settling) {
    if (sub.connId !== connId) continue;
    settling.delete(sub);
    const backlog = sub.backlog ?? [];
    sub.backlog = undefined;
    if (!isLive(sub)) continue;
    count += sendEvents(ws, sub, backlog);
  }
  return count;
}

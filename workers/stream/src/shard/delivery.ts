/**
 * @module
 * Feed events onto client sockets: each subscription gets the notifications an event makes for it
 * (shared/stream/notifications.ts), handed to the shard's admission (notificationGate.ts), which
 * sends them in order as the tenant's lease admits them.
 */
import type { Connection } from "../../../../shared/stream/connection";
import type { FeedEvent } from "../../../../shared/stream/events";
import { notificationsOf } from "../../../../shared/stream/notifications";
import type { Subscription } from "./subscriptionStore";

/** An accepted client socket and who it belongs to. */
export interface OpenSocket {
  ws: WebSocket;
  conn: Connection;
}

/** Where notifications of subscription `subId` go: queued for `open`, in order, behind what its key has waiting. */
export type Push = (open: OpenSocket, subId: string, frames: readonly string[]) => void;

/** The notifications `events` make for one subscription, skipping those already made for it. */
export function framesFor(sub: Subscription, events: readonly FeedEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const { frames, sentSeq } = notificationsOf(sub, event);
    sub.sentSeq = sentSeq;
    out.push(...frames);
  }
  return out;
}

/**
 * Pushes the notifications `events` make for every subscription on an open socket; a subscription
 * still being set up keeps them in its backlog instead. Returns the notifications pushed.
 */
export function deliverEvents(
  subs: Iterable<Subscription>,
  sockets: ReadonlyMap<string, OpenSocket>,
  events: readonly FeedEvent[],
  push: Push,
): number {
  let pushed = 0;
  for (const sub of subs) {
    const open = sockets.get(sub.connId);
    if (!open) continue;
    if (sub.backlog) {
      sub.backlog.push(...events);
      continue;
    }
    const frames = framesFor(sub, events);
    pushed += frames.length;
    push(open, sub.id, frames);
  }
  return pushed;
}

/**
 * Pushes what the subscriptions of `open` set up in this frame gathered meanwhile, after their ids
 * went out, and ends their setting up.
 */
export function flushSettled(
  settling: Set<Subscription>,
  isLive: (sub: Subscription) => boolean,
  open: OpenSocket,
  push: Push,
): void {
  for (const sub of settling) {
    if (sub.connId !== open.conn.connId) continue;
    settling.delete(sub);
    const backlog = sub.backlog ?? [];
    sub.backlog = undefined;
    if (!isLive(sub)) continue;
    push(open, sub.id, framesFor(sub, backlog));
  }
}

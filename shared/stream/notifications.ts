/**
 * @module
 * Which eth_subscription frames one feed event makes for one subscription, and the seq it has then
 * been sent up to, so a replayed event is never sent twice. Pure.
 */
import { type FeedEvent, notification } from "./events";
import { type LogFilter, matchesLog } from "./logFilter";
import type { SubscriptionKind } from "./subscribe";

export interface NotificationsParameters {
  /** The subscription id the frames name. */
  readonly id: string;
  readonly kind: SubscriptionKind;
  /** The logs filter; undefined matches every log. */
  readonly filter: LogFilter | undefined;
  /** Highest seq already sent to this subscription. */
  readonly sentSeq: number;
}

export interface NotificationsReturnType {
  /** The frames' text, in the order they go out. */
  frames: string[];
  /** The subscription's sent seq after this event. */
  sentSeq: number;
}

/**
 * The notifications `event` makes for `sub`. An event with a seq at or below `sentSeq` makes none;
 * a newer one moves `sentSeq` to its seq even when it makes none. Pending transactions (seq 0) are
 * not sequenced: they never move `sentSeq` and are never held back by it.
 */
export function notificationsOf(sub: NotificationsParameters, event: FeedEvent): NotificationsReturnType {
  if (event.seq !== 0 && event.seq <= sub.sentSeq) return { frames: [], sentSeq: sub.sentSeq };
  const sentSeq = event.seq !== 0 ? event.seq : sub.sentSeq;
  return { frames: framesOf(sub, event), sentSeq };
}

function framesOf(sub: NotificationsParameters, event: FeedEvent): string[] {
  switch (sub.kind) {
    case "newHeads":
      return event.type === "block" ? [notification(sub.id, event.seq, event.head)] : [];
    case "logs":
      if (event.type === "pending") return [];
      return event.logs
        .filter((log) => !sub.filter || matchesLog(sub.filter, log))
        .map((log) => notification(sub.id, event.seq, log.raw));
    case "newPendingTransactions":
      if (event.type !== "pending") return [];
      return event.hashes.map((hash) => notification(sub.id, 0, `"${hash}"`));
  }
}

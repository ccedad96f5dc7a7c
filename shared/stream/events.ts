/**
 * @module
 * What the feed publishes and how a subscriber sees it. Every block event has a sequence number;
 * a reorg publishes the orphaned blocks' logs again with `removed: true`, then the new branch.
 * Pure.
 */

/** One log of a block, with what a filter matches on and its JSON as sent to clients. */
export interface EventLog {
  address: string;
  topics: string[];
  raw: string;
}

export type FeedEvent =
  /** A block joined the chain: its header (newHeads) and its logs. */
  | { seq: number; type: "block"; number: number; hash: string; head: string; logs: EventLog[] }
  /** A published block left the chain: its logs again, each with `removed: true`. */
  | { seq: number; type: "removed"; number: number; hash: string; logs: EventLog[] }
  /** Transaction hashes seen in the upstream's mempool (not sequenced, not replayed). */
  | { seq: 0; type: "pending"; hashes: string[] };

/** The eth_subscription frame, with the event's `seq` for resuming (clients ignore extra fields). */
export function notification(subscription: string, seq: number, resultRaw: string): string {
  const at = seq > 0 ? `,"seq":${seq}` : "";
  return `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${subscription}"${at},"result":${resultRaw}}}`;
}

/** Header fields only, as newHeads sends them: a block from eth_getBlockByNumber(n, false) less its body. */
export function headOf(block: Record<string, unknown>): string {
  const { transactions: _t, uncles: _u, withdrawals: _w, size: _s, totalDifficulty: _d, ...head } = block;
  return JSON.stringify(head);
}

/** The logs of a block, as a node returned them, as events. */
export function eventLogsOf(logs: readonly Record<string, unknown>[]): EventLog[] {
  return logs.map((log) => ({
    address: String(log.address).toLowerCase(),
    topics: Array.isArray(log.topics) ? log.topics.map((t) => String(t).toLowerCase()) : [],
    raw: JSON.stringify({ ...log, removed: false }),
  }));
}

/** The same logs as a reorg re-sends them: each with `removed: true`. */
export function removedLogs(logs: readonly EventLog[]): EventLog[] {
  return logs.map((l) => ({ ...l, raw: JSON.stringify({ ...JSON.parse(l.raw), removed: true }) }));
}

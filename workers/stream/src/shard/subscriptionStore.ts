/**
 * @module
 * The shard's subscriptions: rows of its SQLite `subs` table, so an evicted shard wakes with all of
 * them, mirrored in memory with what delivery needs (a backlog while being set up, the seq sent).
 */
import type { FeedEvent } from "../../../../shared/stream/events";
import { type LogFilter, parseLogFilter } from "../../../../shared/stream/logFilter";
import type { SubscriptionKind } from "../../../../shared/stream/subscribe";

export interface Subscription {
  id: string;
  connId: string;
  kind: SubscriptionKind;
  filter: LogFilter | undefined;
  /** While the subscription is being set up: events to send once its id has been answered. */
  backlog: FeedEvent[] | undefined;
  /** Highest seq sent, so a replayed event is never sent twice. */
  sentSeq: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subs (id TEXT PRIMARY KEY, conn TEXT NOT NULL, kind TEXT NOT NULL, filter TEXT);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

/** The subscriptions of one shard, read from storage when the shard wakes. */
export class SubscriptionStore {
  private readonly byId = new Map<string, Subscription>();

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    for (const row of sql.exec<{ id: string; conn: string; kind: string; filter: string | null }>(
      "SELECT * FROM subs",
    )) {
      const kind = row.kind as SubscriptionKind;
      const filter = kind === "logs" ? parseLogFilter(JSON.parse(row.filter ?? "null")) : undefined;
      this.byId.set(row.id, { id: row.id, connId: row.conn, kind, filter, backlog: undefined, sentSeq: 0 });
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  values(): IterableIterator<Subscription> {
    return this.byId.values();
  }

  /** Keeps a new subscription; `filterRaw` is its logs filter as sent, to rebuild it on waking. */
  add(sub: Subscription, filterRaw: unknown): void {
    this.byId.set(sub.id, sub);
    this.sql.exec(
      "INSERT INTO subs (id, conn, kind, filter) VALUES (?, ?, ?, ?)",
      sub.id,
      sub.connId,
      sub.kind,
      JSON.stringify(filterRaw ?? null),
    );
  }

  remove(id: string): void {
    this.byId.delete(id);
    this.sql.exec("DELETE FROM subs WHERE id = ?", id);
  }

  /** Removes every subscription of one connection. */
  removeConnection(connId: string): void {
    for (const sub of [...this.byId.values()]) if (sub.connId === connId) this.remove(sub.id);
  }

  countOf(connId: string): number {
    let count = 0;
    for (const sub of this.byId.values()) if (sub.connId === connId) count++;
    return count;
  }

  /** Whether any subscription is to newPendingTransactions. */
  hasPending(): boolean {
    for (const sub of this.byId.values()) if (sub.kind === "newPendingTransactions") return true;
    return false;
  }
}

/**
 * @module
 * The feed's replay buffer: the events of the last REPLAY_BLOCKS blocks, with the sequence numbers
 * stamped on them and the published chain they add up to, kept in SQLite for resuming subscribers.
 */
import type { FeedEvent } from "../../../../shared/stream/events";
import type { AttachReturnType } from "../../../../shared/stream/protocol";

/** Blocks of events kept for resuming subscribers. */
export const REPLAY_BLOCKS = 128;

export type BlockEvent = Extract<FeedEvent, { type: "block" }>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

export class ReplayBuffer {
  /** Buffered events, oldest first. */
  private events: FeedEvent[] = [];
  /** The published chain: block events not since removed, oldest first. */
  private canon: BlockEvent[] = [];
  private seq = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    for (const row of sql.exec<{ body: string }>("SELECT body FROM events ORDER BY seq")) {
      this.remember(JSON.parse(row.body) as FeedEvent);
    }
    const last = sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'seq'").toArray()[0];
    this.seq = Math.max(this.seq, Number(last?.v ?? 0));
  }

  /** The newest published block still on the chain; undefined before the first. */
  tip(): BlockEvent | undefined {
    return this.canon.at(-1);
  }

  /** The published block at `number` still on the chain, if the buffer still holds it. */
  publishedAt(number: number): BlockEvent | undefined {
    return this.canon.find((b) => b.number === number);
  }

  /** Stamps `event` with the next sequence number, stores it and drops what fell out of the buffer. */
  append(event: FeedEvent): void {
    event.seq = ++this.seq;
    this.sql.exec("INSERT INTO events (seq, body) VALUES (?, ?)", event.seq, JSON.stringify(event));
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('seq', ?)", String(this.seq));
    this.remember(event);
    const first = this.events[0];
    if (first) this.sql.exec("DELETE FROM events WHERE seq < ?", first.seq);
  }

  /** The buffer's bounds and, when `after` is within them, the events after it (none if undefined). */
  resume(after: number | undefined): AttachReturnType {
    const oldest = this.events[0]?.seq ?? this.seq + 1;
    const latest = this.seq;
    if (after === undefined) return { ok: true, replay: [], oldest, latest };
    if (after < oldest - 1 || after > latest) return { ok: false, replay: [], oldest, latest };
    return { ok: true, replay: this.events.filter((e) => e.seq > after), oldest, latest };
  }

  /** Forgets every event (sequence numbers go on): a later start would leave a gap behind a resume. */
  clear(): void {
    this.events = [];
    this.canon = [];
    this.sql.exec("DELETE FROM events");
  }

  /** Adds an event to the buffer and the published chain, and trims both to REPLAY_BLOCKS blocks. */
  private remember(event: FeedEvent) {
    this.seq = Math.max(this.seq, event.seq);
    this.events.push(event);
    if (event.type === "block") this.canon.push(event);
    else if (event.type === "removed") this.canon.pop();
    if (this.canon.length > REPLAY_BLOCKS) this.canon.shift();
    const blocks = this.events.filter((e) => e.type === "block").length;
    if (blocks > REPLAY_BLOCKS) {
      const cut = this.events.findIndex((e, i) => i > 0 && e.type === "block");
      this.events = this.events.slice(cut);
    }
  }
}

/**
 * @module
 * Who the feed delivers to: the chain it follows and the fan-out shards attached to it (each with
 * whether it wants pending transactions), kept in SQLite so a restarted feed still knows them.
 */
import type { Env } from "../../../../shared/config/env";
import type { FeedEvent } from "../../../../shared/stream/events";
import { shardStub } from "../../../../shared/stream/placement";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY, pending INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

export interface Shard {
  /** Whether it has newPendingTransactions subscribers. */
  pending: boolean;
}

export class FeedShards {
  private readonly shards = new Map<string, Shard>();
  private slug: string | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly log: (event: string, err: unknown) => void,
  ) {
    sql.exec(SCHEMA);
    this.slug = sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'chain'").toArray()[0]?.v;
    for (const row of sql.exec<{ name: string; pending: number }>("SELECT * FROM shards")) {
      this.shards.set(row.name, { pending: row.pending === 1 });
    }
  }

  /** The chain's slug, once a shard has attached. */
  get chain(): string | undefined {
    return this.slug;
  }

  get size(): number {
    return this.shards.size;
  }

  /** Keeps a shard of `chain` (and the chain, the first time or when it changed). */
  add(chain: string, name: string, shard: Shard): void {
    if (this.slug !== chain) {
      this.slug = chain;
      this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('chain', ?)", chain);
    }
    this.shards.set(name, shard);
    this.sql.exec("INSERT OR REPLACE INTO shards (name, pending) VALUES (?, ?)", name, shard.pending ? 1 : 0);
  }

  remove(name: string): void {
    this.shards.delete(name);
    this.sql.exec("DELETE FROM shards WHERE name = ?", name);
  }

  /** Whether any shard wants pending transactions. */
  wantsPending(): boolean {
    for (const shard of this.shards.values()) if (shard.pending) return true;
    return false;
  }

  /** Delivers `events` to every shard `to` picks; resolves once each has them or failed twice. */
  async deliver(events: FeedEvent[], to: (shard: Shard) => boolean): Promise<void> {
    const slug = this.slug as string;
    await Promise.all(
      [...this.shards].flatMap(([name, shard]) => {
        if (!to(shard)) return [];
        const stub = shardStub(this.env, name);
        // One retry: a shard that was just evicted answers on the second call.
        return [
          stub
            .deliver(slug, events)
            .catch(() => stub.deliver(slug, events))
            .catch((err) => this.log("deliver_failed", err)),
        ];
      }),
    );
  }
}

/**
 * @module
 * One per chain and region (named `<chain>/<region>`, created with the region's location hint):
 * which of the region's fan-out shards a new socket joins. Always the lowest shard below the cap, so
 * a region opens another shard only when the ones before it are full, and the shards above drain as
 * sockets leave. Each shard reports its count of open sockets after every upgrade, close and key
 * check (shard/directoryLink.ts); an assignment counts its socket at once, until the shard's next
 * report says how many it really holds. The counts are kept in SQLite, so an evicted directory
 * loses none, and a shard that lost its sockets unheard (a redeploy) corrects them at its next check.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../../../shared/config/env";
import type { AssignParameters, ShardCount, ShardDirectoryApi } from "../../../../shared/stream/protocol";

const SCHEMA = "CREATE TABLE IF NOT EXISTS shards (idx INTEGER PRIMARY KEY, sockets INTEGER NOT NULL)";

export class ShardDirectory extends DurableObject<Env> implements ShardDirectoryApi {
  /** Open sockets per shard index; a shard holding none has no entry. */
  private readonly counts = new Map<number, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
    for (const row of ctx.storage.sql.exec<{ idx: number; sockets: number }>(
      "SELECT idx, sockets FROM shards",
    )) {
      this.counts.set(row.idx, row.sockets);
    }
  }

  assign({ cap, full }: AssignParameters): number {
    if (full) this.set(full);
    let index = 0;
    while ((this.counts.get(index) ?? 0) >= cap) index++;
    this.set({ index, sockets: (this.counts.get(index) ?? 0) + 1 });
    return index;
  }

  report(count: ShardCount): void {
    this.set(count);
  }

  shards(): ShardCount[] {
    return [...this.counts].sort((a, b) => a[0] - b[0]).map(([index, sockets]) => ({ index, sockets }));
  }

  private set({ index, sockets }: ShardCount) {
    if (!Number.isSafeInteger(index) || index < 0) return;
    if (sockets > 0) {
      this.counts.set(index, sockets);
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO shards (idx, sockets) VALUES (?, ?)", index, sockets);
    } else if (this.counts.delete(index)) {
      this.ctx.storage.sql.exec("DELETE FROM shards WHERE idx = ?", index);
    }
  }
}

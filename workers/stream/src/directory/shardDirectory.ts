/**
 * @module
 * One per chain and region (named `<chain>/<region>`, created with the region's location hint):
 * which of the region's fan-out shards a new socket joins. Always the lowest shard below the cap, so
 * a region opens another shard only when the ones before it are full, and the shards above drain as
 * sockets leave. Each shard reports its count of open sockets after upgrades, closes and key checks,
 * at most once a second (shard/directoryLink.ts); an assignment counts its socket at once, pending,
 * until the shard's next report says how many it really holds, or for 30 s at most
 * (shared/stream/shardCounts.ts). An assignment writes nothing: only a report that changes a
 * shard's count is kept in SQLite, so an evicted directory loses no shard, and a shard that lost its
 * sockets unheard (a redeploy) corrects its count at its next check. On its first shard the directory
 * tells the chain's feed of its region, so the admin view asks only the regions that have had shards.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../../../shared/config/env";
import type { AssignParameters, ShardCount, ShardDirectoryApi } from "../../../../shared/stream/protocol";
import { ShardCounts } from "../../../../shared/stream/shardCounts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS shards (idx INTEGER PRIMARY KEY, sockets INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS told (region TEXT PRIMARY KEY);
`;

export class ShardDirectory extends DurableObject<Env> implements ShardDirectoryApi {
  private readonly counts: ShardCounts;
  /** Whether the chain's feed knows this directory's region (kept, so it is told once). */
  private told: boolean;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
    const rows = ctx.storage.sql.exec<{ idx: number; sockets: number }>("SELECT idx, sockets FROM shards");
    this.counts = new ShardCounts([...rows].map((row) => ({ index: row.idx, sockets: row.sockets })));
    this.told = ctx.storage.sql.exec("SELECT 1 FROM told").toArray().length > 0;
  }

  assign({ chain, region, cap, full }: AssignParameters): number {
    if (full) this.report(full);
    if (!this.told) this.tellFeed(chain, region);
    return this.counts.assign(cap, Date.now());
  }

  report(count: ShardCount): void {
    const { index, sockets } = count;
    if (!Number.isSafeInteger(index) || index < 0 || !Number.isSafeInteger(sockets)) return;
    if (!this.counts.report(count)) return;
    if (sockets > 0) {
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO shards (idx, sockets) VALUES (?, ?)", index, sockets);
    } else {
      this.ctx.storage.sql.exec("DELETE FROM shards WHERE idx = ?", index);
    }
  }

  shards(): ShardCount[] {
    return this.counts.shards(Date.now());
  }

  /** Tells the chain's feed that it has shards in `region`, off the assignment's path; again on the next assignment if that fails. */
  private tellFeed(chain: string, region: string) {
    this.told = true;
    const told = this.env.FEED.getByName(chain)
      .addRegion(region)
      .then(
        () => void this.ctx.storage.sql.exec("INSERT OR IGNORE INTO told (region) VALUES (?)", region),
        (err: unknown) => {
          this.told = false;
          console.warn(
            JSON.stringify({ event: "directory_region_failed", error: String(err).slice(0, 200) }),
          );
        },
      );
    this.ctx.waitUntil(told);
  }
}

/**
 * @module
 * The buckets a grant comes out of besides the tenant's, in the meter's SQLite (`key_buckets`): the
 * key's own cap, when it is below the plan's rate, and the cap of the request's JWT (one bucket per
 * key and JWT subject). A cap's burst is at most one second of its rate, so a bucket untouched for
 * a minute and not in debt is full, as if it had no row: such rows are pruned. A bucket in debt (a
 * call that cost more than the burst) is pruned after an hour untouched: what is left of its debt
 * then is forgiven, so that subjects that never come back leave no rows. Also which bucket binds a
 * grant, for its rate-limit headers.
 */
import type { Cap } from "../../../../shared/metering/lease";
import { type KeyLimits, keyCapLimits, tokenCapLimits } from "../../../../shared/metering/limits";
import { type Bucket, type BucketLimits, fullBucket } from "../../../../shared/metering/tokenBucket";

/** A cap and the row it is kept in. */
export interface StoredCap {
  id: string;
  cap: Cap;
}

const PRUNE_AFTER_MS = 60_000;
const PRUNE_DEBT_AFTER_MS = 3_600_000;

function bucketOf(sql: SqlStorage, id: string, limits: BucketLimits, now: number): Bucket {
  const row = sql
    .exec<{ tokens: number; at: number }>("SELECT tokens, at FROM key_buckets WHERE key_id = ?", id)
    .toArray()[0];
  return row ?? fullBucket(limits, now);
}

/** The caps that bind a grant to `keyId` under `limits`, each with its bucket as stored. */
export function capsOf(sql: SqlStorage, keyId: string, limits: KeyLimits, now: number): StoredCap[] {
  const caps: StoredCap[] = [];
  const key = keyCapLimits(limits);
  if (key)
    caps.push({ id: keyId, cap: { by: "key_rate", limits: key, bucket: bucketOf(sql, keyId, key, now) } });
  const token = tokenCapLimits(limits);
  if (token && limits.tokenCap) {
    const id = `${keyId}|${limits.tokenCap.id}`;
    caps.push({ id, cap: { by: "token_rate", limits: token, bucket: bucketOf(sql, id, token, now) } });
  }
  return caps;
}

/** Stores each cap's bucket after a grant (`buckets` in the order of `caps`). */
export function saveCaps(sql: SqlStorage, caps: readonly StoredCap[], buckets: readonly Bucket[]): void {
  caps.forEach(({ id }, i) => {
    const bucket = buckets[i] as Bucket;
    sql.exec(
      "INSERT OR REPLACE INTO key_buckets (key_id, tokens, at) VALUES (?, ?, ?)",
      id,
      bucket.tokens,
      bucket.at,
    );
  });
}

/** Drops the rows of buckets that are full by now. */
export function pruneCaps(sql: SqlStorage, now: number): void {
  sql.exec(
    "DELETE FROM key_buckets WHERE (at < ? AND tokens >= 0) OR at < ?",
    now - PRUNE_AFTER_MS,
    now - PRUNE_DEBT_AFTER_MS,
  );
}

/**
 * The bucket that binds after a grant, for the rate-limit headers: the slowest of the tenant's and
 * the caps' (the first of equals), as shared/metering/limits.ts bindingLimits picks its limits.
 */
export function bindingBucket(
  tenant: { limits: BucketLimits; bucket: Bucket },
  caps: readonly StoredCap[],
  buckets: readonly Bucket[] | undefined,
): Bucket {
  let binding = tenant;
  caps.forEach(({ cap }, i) => {
    const bucket = buckets?.[i];
    if (bucket && cap.limits.ratePerSecond < binding.limits.ratePerSecond)
      binding = { limits: cap.limits, bucket };
  });
  return binding.bucket;
}

/**
 * @module
 * The sanctions job's decision on the union of its sources: the same set as the current version (kept),
 * a new version (published), or a set that shrinks past SANCTIONS_MAX_SHRINK (held for an admin; the
 * current version stays in force). Publishing, or finding the current set again, clears a held set.
 */
import { and, eq } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { sanctionsPending, sanctionsSnapshots } from "../../../../db/schema";
import { type Env, settingsOf } from "../../../../shared/config/env";
import { randomId } from "../../../../shared/crypto/hash";
import { diff, listHash } from "../../../../shared/sanctions/list";
import type { PublishedSanctions } from "../../../../shared/stores/sanctions";
import {
  decidePending,
  type PendingSnapshot,
  publishedOf,
  readLatestSnapshot,
  readPending,
} from "../../../../shared/stores/sanctionsPending";
import type { Refreshed } from "./refreshSource";
import { checkShrink } from "./shrink";

const ACTOR = "cron:sanctions";

export interface Recorded {
  /** The version in force after this run (published now, or kept). */
  published: PublishedSanctions;
  added: number;
  removed: number;
  /** The set waiting for an admin after this run, if any. */
  pending?: PendingSnapshot;
  /** Why the sources' set was not published (held, or rejected before). */
  problem?: string;
}

type Snapshot = NonNullable<Awaited<ReturnType<typeof readLatestSnapshot>>>;

/** Publishes, keeps or holds the sources' union `addresses` (sorted). */
export async function recordVersion(env: Env, addresses: string[], reports: Refreshed[]): Promise<Recorded> {
  const db = dbOf(env.DB);
  const hash = await listHash(addresses);
  const latest = await readLatestSnapshot(db);
  const sources = reports.map((r) => r.report);
  if (latest?.hash === hash) {
    await clearPending(db);
    return { published: publishedOf(latest), added: 0, removed: 0 };
  }
  const changes = diff(latest?.addresses ?? [], addresses);
  const check = checkShrink(latest?.size ?? 0, changes.removed.length, settingsOf(env).sanctionsMaxShrink);
  if (latest && check.held) {
    const held = { hash, addresses, sources, added: changes.added.length, removed: changes.removed.length };
    return hold(db, latest, { ...held, share: check.share }, check.reason as string);
  }
  const row = { at: Date.now(), hash, size: addresses.length, addresses, ...changes, sources };
  const current = await db.insert(sanctionsSnapshots).values(row).returning().get();
  await clearPending(db);
  return { published: publishedOf(current), added: changes.added.length, removed: changes.removed.length };
}

/** A later run found a set that needs no approval: the held one no longer applies. */
async function clearPending(db: Db): Promise<void> {
  const pending = await readPending(db);
  if (pending) await decidePending(db, pending.id, "cleared", ACTOR);
}

interface Candidate {
  hash: string;
  addresses: string[];
  sources: unknown[];
  added: number;
  removed: number;
  share: number;
}

/** Holds `set` for approval, replacing a different held set; the same set keeps its id. */
async function hold(db: Db, latest: Snapshot, set: Candidate, reason: string): Promise<Recorded> {
  const kept = { published: publishedOf(latest), added: 0, removed: 0 };
  const rejected = await db
    .select({ id: sanctionsPending.id, by: sanctionsPending.decidedBy })
    .from(sanctionsPending)
    .where(
      and(
        eq(sanctionsPending.hash, set.hash),
        eq(sanctionsPending.baseVersion, latest.version),
        eq(sanctionsPending.status, "rejected"),
      ),
    )
    .get();
  if (rejected) {
    await clearPending(db);
    const problem = `not published: the sources' set ${reason}, and that set was rejected (${rejected.id}, by ${rejected.by}); the current version stays in force until the sources change`;
    return { ...kept, problem };
  }
  let pending = await readPending(db);
  if (pending?.hash !== set.hash) {
    const row = {
      id: randomId("pend"),
      at: Date.now(),
      baseVersion: latest.version,
      size: set.addresses.length,
      ...set,
    };
    const insert = db.insert(sanctionsPending).values(row).returning();
    const [, inserted] = pending
      ? await db.batch([decidePending(db, pending.id, "replaced", ACTOR), insert])
      : [undefined, await insert];
    pending = inserted[0] as PendingSnapshot;
  }
  const approve = `POST /admin/v1/sanctions/pending/${pending.id}/approve publishes it`;
  return { ...kept, pending, problem: `held for approval: ${reason} (${pending.id}; ${approve})` };
}

/**
 * @module
 * POST /admin/v1/upstreams/reseal: re-seals every upstream URL with the newest UPSTREAM_KEY key, so the
 * older keys can leave the ring. Audited (counts and upstream ids, never URLs); idempotent.
 */
import { sql } from "drizzle-orm";
import { type Db, dbOf } from "../../../../db/client";
import { upstreams } from "../../../../db/schema";
import type { AuditedWrite } from "../../../../shared/audit/log";
import { commitWithAudit } from "../../../../shared/audit/log";
import { forgetChain, upstreamAad, upstreamKeyRing } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import type { KeyRing } from "../../../../shared/crypto/keyRing";
import { seal, unseal } from "../../../../shared/crypto/secretBox";
import { InternalError } from "../../../../shared/errors/kinds";
import { adminRouter, op } from "./router";
import { ResealResult } from "./views/upstreams";

/** Rows re-sealed per UPDATE statement: one JSON parameter of about 300 bytes a row. */
const ROWS_PER_STATEMENT = 100;

interface SealedRow {
  id: string;
  chain: string;
  urlSealed: string;
}

interface Change {
  id: string;
  from: string;
  to: string;
}

/** What a re-seal found and will write. */
export interface ResealPlan {
  keyId: string;
  changes: Change[];
  alreadyCurrent: number;
  /** Values re-sealed from the legacy v1 format (no key id, no row binding). */
  legacy: number;
  /** Re-sealed values by the id of the key that opened them. */
  fromKeys: Record<string, number>;
  /** Upstreams whose value opens with no key of the ring (or not in its row): left as they are. */
  unreadable: string[];
}

/** Opens every row's value and seals again those not already under the ring's current key. */
export async function planReseal(rows: readonly SealedRow[], ring: KeyRing): Promise<ResealPlan> {
  const plan: ResealPlan = {
    keyId: ring.current.id,
    changes: [],
    alreadyCurrent: 0,
    legacy: 0,
    fromKeys: {},
    unreadable: [],
  };
  for (const row of rows) {
    const aad = upstreamAad(row.id);
    const opened = await unseal(row.urlSealed, ring, aad).catch(() => undefined);
    if (!opened) {
      plan.unreadable.push(row.id);
    } else if (!opened.legacy && opened.keyId === ring.current.id) {
      plan.alreadyCurrent++;
    } else {
      plan.changes.push({ id: row.id, from: row.urlSealed, to: await seal(opened.plaintext, ring, aad) });
      plan.fromKeys[opened.keyId] = (plan.fromKeys[opened.keyId] ?? 0) + 1;
      if (opened.legacy) plan.legacy++;
    }
  }
  return plan;
}

/**
 * One UPDATE for up to ROWS_PER_STATEMENT rows, their new values in one JSON parameter. A row whose
 * value changed since it was read (an upstream update racing this) is left alone.
 */
function updateStatement(db: Db, changes: readonly Change[]) {
  const match = sql`FROM json_each(${JSON.stringify(changes)}) AS j
    WHERE json_extract(j.value, '$.id') = ${upstreams.id}
      AND json_extract(j.value, '$.from') = ${upstreams.urlSealed}`;
  return db
    .update(upstreams)
    .set({ urlSealed: sql`(SELECT json_extract(j.value, '$.to') ${match})` })
    .where(sql`EXISTS (SELECT 1 ${match})`);
}

function ringOf(env: Env): KeyRing {
  try {
    return upstreamKeyRing(env);
  } catch (err) {
    throw new InternalError(`cannot re-seal: ${(err as Error).message}`);
  }
}

const reseal = op(
  {
    summary: "Re-seal every upstream URL",
    description:
      "Seals every upstream URL again with the newest UPSTREAM_KEY key, so older keys can leave the ring. Idempotent.",
    tag: "Upstreams",
    access: "admin:write",
    responses: { 200: { description: "What was re-sealed, by count and upstream id", schema: ResealResult } },
  },
  async (c) => {
    const ring = ringOf(c.env);
    const db = dbOf(c.env.DB);
    const rows = await db
      .select({ id: upstreams.id, chain: upstreams.chain, urlSealed: upstreams.urlSealed })
      .from(upstreams)
      .orderBy(upstreams.createdAt);
    const plan = await planReseal(rows, ring);
    const statements: AuditedWrite[] = [];
    for (let i = 0; i < plan.changes.length; i += ROWS_PER_STATEMENT) {
      statements.push(updateStatement(db, plan.changes.slice(i, i + ROWS_PER_STATEMENT)));
    }
    const { keyId, alreadyCurrent, legacy, fromKeys, unreadable } = plan;
    const result = { keyId, resealed: plan.changes.length, alreadyCurrent, legacy, fromKeys, unreadable };
    await commitWithAudit(
      c.env,
      { actor: c.get("actor"), action: "upstreams.resealed", target: "upstreams", after: result },
      statements,
    );
    // Every chain, not only the changed ones: a call that failed after its commit is mended by the next.
    for (const chain of new Set(rows.map((r) => r.chain))) await forgetChain(c.env, chain);
    return c.json(result);
  },
);

/** Routes under /admin/v1/upstreams: the re-seal action (write scope, as every POST). */
export const upstreamRoutes = adminRouter().post("/reseal", reseal);

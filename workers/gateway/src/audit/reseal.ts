/**
 * @module
 * Re-linking a chain with the newest AUDIT_KEY key, so an old key can be removed. Only a chain that
 * verifies is re-sealed (re-linking a tampered row would launder it), every row's old link is checked
 * again as it is rewritten, and progress is kept in the anchor, recorded before each page's D1 batch,
 * so an interrupted re-seal continues where it stopped instead of leaving the chain half old, half new.
 */
import type { AuditChainName, ResealResult } from "../../../../shared/audit/anchorProtocol";
import { CHECKPOINT_EVERY, expectedLink, GENESIS_LINK, keyedLink } from "../../../../shared/audit/link";
import { afterSeq, rowsAfter, type StoredRow } from "../../../../shared/audit/rows";
import { verifyChain } from "../../../../shared/audit/verify";
import type { Env } from "../../../../shared/config/env";
import { type KeyRing, keyRingOf } from "../../../../shared/crypto/keyRing";
import { ConflictError } from "../../../../shared/errors/kinds";
import type { AnchorStore, ResealProgress, Tail } from "./anchorStore";

const PAGE = 100;

type Progress = Omit<ResealProgress, "next">;

/** Where a re-seal starts: the whole chain must verify first; rows up to `legacyUntil` stay as they are. */
async function begin(env: Env, store: AnchorStore, ring: KeyRing, chain: AuditChainName, tail: Tail) {
  const state = store.stateFor(tail, 0);
  const check = await verifyChain(env.DB, ring, chain, state);
  if (check.broken) {
    throw new ConflictError(
      `the ${chain} audit chain does not verify at row ${check.broken.seq}: ${check.broken.reason}; it was not re-sealed`,
    );
  }
  const start = state.legacyTail?.link ?? GENESIS_LINK;
  return { doneSeq: tail.legacyUntil, newLink: start, oldLink: start, fromKeys: {} };
}

/** The progress recorded, or where its last page took it if that page's batch landed before it stopped. */
async function resumed(env: Env, chain: AuditChainName, progress: ResealProgress): Promise<Progress> {
  const { next, ...done } = progress;
  if (!next) return done;
  const [row] = await rowsAfter(env.DB, chain, afterSeq(next.doneSeq - 1), 1);
  return row?.seq === next.doneSeq && row.hash === next.newLink ? next : done;
}

/** Starts a re-seal or continues one that was interrupted. */
export async function resealChain(
  env: Env,
  store: AnchorStore,
  chain: AuditChainName,
): Promise<ResealResult> {
  const ring = keyRingOf("AUDIT_KEY", env.AUDIT_KEY);
  const tail = await store.tail(chain);
  const recorded = store.resealProgress();
  let progress = recorded ? await resumed(env, chain, recorded) : await begin(env, store, ring, chain, tail);
  store.saveResealProgress(progress);
  for (;;) {
    const page = await rowsAfter(env.DB, chain, afterSeq(progress.doneSeq), PAGE);
    if (page.length === 0) break;
    progress = await relinkPage(env, store, ring, tail, page, progress);
  }
  if (tail.seq > tail.legacyUntil) store.relinkTail(progress.newLink);
  store.saveResealProgress(undefined);
  return { chain, keyId: ring.current.id, fromKeys: progress.fromKeys };
}

/** Re-links one page of rows after `progress`, commits them, and records how far it got. */
async function relinkPage(
  env: Env,
  store: AnchorStore,
  ring: KeyRing,
  tail: Tail,
  page: StoredRow[],
  progress: Progress,
): Promise<Progress> {
  const key = ring.current;
  const fromKeys = { ...progress.fromKeys };
  const updates: D1PreparedStatement[] = [];
  const checkpoints: { seq: number; link: string; at: number }[] = [];
  let { newLink, oldLink } = progress;
  for (const row of page) {
    const expected = await expectedLink(ring, row, tail.legacyUntil);
    if (row.prevHash !== oldLink || !("link" in expected) || expected.link !== row.hash) {
      throw new ConflictError(
        `the ${row.chain} audit chain changed at row ${row.seq} during its re-seal; verify it`,
      );
    }
    const link = await keyedLink(key, { ...row, prevHash: newLink });
    const from = row.keyId ?? "none";
    if (row.keyId !== key.id) fromKeys[from] = (fromKeys[from] ?? 0) + 1;
    if (link !== row.hash) {
      updates.push(
        env.DB.prepare("UPDATE audit_log SET prev_hash = ?1, hash = ?2, key_id = ?3 WHERE id = ?4").bind(
          newLink,
          link,
          key.id,
          row.id,
        ),
      );
    }
    if (row.seq % CHECKPOINT_EVERY === 0) checkpoints.push({ seq: row.seq, link, at: row.at });
    oldLink = row.hash;
    newLink = link;
  }
  const next = { doneSeq: page.at(-1)?.seq ?? progress.doneSeq, newLink, oldLink, fromKeys };
  store.saveResealProgress({ ...progress, next });
  if (updates.length > 0) await env.DB.batch(updates);
  for (const checkpoint of checkpoints) store.setCheckpoint(checkpoint);
  store.saveResealProgress(next);
  return next;
}

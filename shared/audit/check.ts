/**
 * @module
 * Verifying the audit log as an admin asks for it: for each chain, the anchor's state (tail and the
 * checkpoint it wrote before the time asked for), then the walk over D1 from there; and a count of
 * rows that belong to no chain, which only an edit of D1 can make.
 */
import type { Env } from "../config/env";
import { keyRingOf } from "../crypto/keyRing";
import type { AuditChainName } from "./anchorProtocol";
import { anchorOf } from "./log";
import { type StoredRow, strayRows } from "./rows";
import { type ChainCheck, verifyChain } from "./verify";

export const AUDIT_CHAINS: readonly AuditChainName[] = ["admin", "screening"];

type AuditBindings = Pick<Env, "AUDIT" | "AUDIT_KEY" | "DB">;

/** Verifies `chain` for the rows written from `since` on (0: the whole chain); `onRow` sees them. */
export async function verifyAudit(
  env: AuditBindings,
  chain: AuditChainName,
  since = 0,
  onRow?: (row: StoredRow) => void,
): Promise<ChainCheck> {
  const state = await anchorOf(env, chain).state(chain, since);
  return verifyChain(env.DB, keyRingOf("AUDIT_KEY", env.AUDIT_KEY), chain, state, since, onRow);
}

export interface AuditCheck {
  verified: boolean;
  chains: ChainCheck[];
  /** Rows in no chain (another chain name, a seq below 1): inserted in D1. */
  strays?: { rows: number; reason: string };
}

/** Both chains verified for the rows written from `since` on; `onRow` sees each verified row. */
export async function verifyAuditSince(
  env: AuditBindings,
  since: number,
  onRow?: (row: StoredRow) => void,
): Promise<AuditCheck> {
  const [strays, ...chains] = await Promise.all([
    strayRows(env.DB, AUDIT_CHAINS),
    ...AUDIT_CHAINS.map((chain) => verifyAudit(env, chain, since, onRow)),
  ]);
  const found = strays as number;
  const checks = chains as ChainCheck[];
  const verified = found === 0 && checks.every((c) => c.verified);
  if (found === 0) return { verified, chains: checks };
  const reason = `rows in no chain (${AUDIT_CHAINS.join(", ")}) or numbered below 1: inserted in D1`;
  return { verified, chains: checks, strays: { rows: found, reason } };
}

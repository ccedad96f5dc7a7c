/**
 * @module
 * Verifies a chain of the audit log against its anchor: from the newest checkpoint the anchor wrote
 * before the time asked for (not from row one), every row must follow the one before it by seq and
 * time, link to it, and carry the link its content and AUDIT_KEY give; the newest row must be the
 * one the anchor recorded. So an edit, a removed, inserted or back-dated row, a removed tail, or a
 * chain recomputed without the key is found, and the answer names the row.
 */
import type { KeyRing } from "../crypto/keyRing";
import type { AnchoredLink, AnchorState, AuditChainName } from "./anchorProtocol";
import { expectedLink, GENESIS_LINK } from "./link";
import { afterSeq, type RowCursor, rowsAfter, type StoredRow } from "./rows";

const PAGE = 200;

export interface ChainCheck {
  chain: AuditChainName;
  verified: boolean;
  /** Rows verified written at or after the time asked for. */
  rows: number;
  /** The anchor's checkpoint the walk started after (0: the chain's start). */
  checkpointSeq: number;
  /** The newest row the anchor outside D1 recorded. */
  anchoredSeq: number;
  /** The first row that is wrong (`id` null when the row is missing), and what is wrong with it. */
  broken?: { seq: number; id: number | null; reason: string };
}

type Broken = NonNullable<ChainCheck["broken"]>;

/** Where the row before sits, and what it links and was written at. */
type Prev = AnchoredLink & { cursor: RowCursor };

/** Whether `row` follows `prev` in place and time, or what is wrong. */
function orderProblem(row: StoredRow, prev: Prev): Broken | undefined {
  if (row.seq === prev.seq)
    return { seq: row.seq, id: row.id, reason: "a second row with this seq (inserted)" };
  if (row.seq !== prev.seq + 1) {
    return {
      seq: prev.seq + 1,
      id: null,
      reason: `it is missing (removed): the next row in D1 is ${row.seq}`,
    };
  }
  if (row.prevHash !== prev.link) {
    return {
      seq: row.seq,
      id: row.id,
      reason: "it does not link to the row before it (that row was removed, replaced or edited)",
    };
  }
  if (row.at < prev.at) {
    return { seq: row.seq, id: row.id, reason: "its time is before the row before it (back-dated)" };
  }
  return undefined;
}

/** What is wrong with `row`, walked after `prev`, or undefined. */
async function problemOf(
  ring: KeyRing,
  state: AnchorState,
  row: StoredRow,
  prev: Prev,
): Promise<Broken | undefined> {
  const order = orderProblem(row, prev);
  if (order) return order;
  const at = { seq: row.seq, id: row.id };
  const expected = await expectedLink(ring, row, state.legacyUntil);
  if ("problem" in expected) return { ...at, reason: expected.problem };
  if (expected.link !== row.hash) {
    return {
      ...at,
      reason: "its content does not match its link (it was edited, or relinked without AUDIT_KEY)",
    };
  }
  const vouched =
    row.seq === state.legacyUntil ? state.legacyTail : row.seq === state.tail.seq ? state.tail : undefined;
  if (vouched && vouched.link !== row.hash) {
    return {
      ...at,
      reason: "it is not the row the anchor outside D1 recorded (the chain was replaced or recomputed)",
    };
  }
  return undefined;
}

/** Where the walk begins: the anchor's checkpoint, whose row D1 must still hold. */
async function startOf(
  db: D1Database,
  chain: AuditChainName,
  state: AnchorState,
): Promise<{ prev: Prev } | { broken: Broken }> {
  const checkpoint = state.checkpoint;
  if (!checkpoint) return { prev: { seq: 0, link: GENESIS_LINK, at: 0, cursor: afterSeq(0) } };
  const [row] = await rowsAfter(db, chain, afterSeq(checkpoint.seq - 1), 1);
  if (row?.seq !== checkpoint.seq) {
    return {
      broken: {
        seq: checkpoint.seq,
        id: null,
        reason: "it is missing (removed): the anchor holds a checkpoint at it",
      },
    };
  }
  if (row.hash !== checkpoint.link) {
    const reason = "it is not the row the anchor's checkpoint recorded (replaced or recomputed)";
    return { broken: { seq: row.seq, id: row.id, reason } };
  }
  return { prev: { ...checkpoint, cursor: { seq: row.seq, id: row.id } } };
}

/**
 * Walks `chain` from the anchor's checkpoint in `state` to its newest row. `onRow` sees each row
 * verified so far that was written at or after `since`.
 */
export async function verifyChain(
  db: D1Database,
  ring: KeyRing,
  chain: AuditChainName,
  state: AnchorState,
  since = 0,
  onRow?: (row: StoredRow) => void,
): Promise<ChainCheck> {
  const result = {
    chain,
    verified: true,
    rows: 0,
    checkpointSeq: state.checkpoint?.seq ?? 0,
    anchoredSeq: state.tail.seq,
  };
  const start = await startOf(db, chain, state);
  if ("broken" in start) return { ...result, verified: false, broken: start.broken };
  let prev = start.prev;
  for (;;) {
    const page = await rowsAfter(db, chain, prev.cursor, PAGE);
    for (const row of page) {
      const broken = await problemOf(ring, state, row, prev);
      if (broken) return { ...result, verified: false, broken };
      if (row.at >= since) {
        result.rows++;
        onRow?.(row);
      }
      prev = { seq: row.seq, link: row.hash, at: row.at, cursor: { seq: row.seq, id: row.id } };
    }
    if (page.length < PAGE) break;
  }
  if (prev.seq < state.tail.seq) {
    const reason = `it is missing (removed): the anchor outside D1 records rows up to ${state.tail.seq}, D1 ends at ${prev.seq}`;
    return { ...result, verified: false, broken: { seq: prev.seq + 1, id: null, reason } };
  }
  return result;
}

/**
 * @module
 * What the audit anchor (one Durable Object per chain) answers. The anchor is the only writer of its
 * chain: it numbers and links each row, commits it to D1, and keeps the newest link and periodic
 * checkpoints in its own storage, outside D1, where an insider with D1 access cannot reach them.
 */

/** The chains of the audit log: admin changes, and the screening decisions tenants' calls cause. */
export type AuditChainName = "admin" | "screening";

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

/** A write committed in the same D1 transaction as its audit row. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** A link the anchor vouches for: the row numbered `seq` must carry `link`; the anchor wrote it at `at`. */
export interface AnchoredLink {
  seq: number;
  link: string;
  at: number;
}

export interface AnchorState {
  /** The newest row appended, or seq 0 and the genesis link for an empty chain. */
  tail: AnchoredLink;
  /** Rows up to this seq predate keyed links (plain SHA-256); `legacyTail` vouches for them. */
  legacyUntil: number;
  legacyTail?: AnchoredLink;
  /** The newest checkpoint the anchor wrote before the time asked for, if any: a walk may start there. */
  checkpoint?: AnchoredLink;
}

export interface AuditAnchorApi extends Rpc.DurableObjectBranded {
  /** Appends one row to `chain`, with the writes it records, in one D1 transaction; returns its seq. */
  append(chain: AuditChainName, entry: AuditEntry, changes?: SqlStatement[]): Promise<number>;
  /** The tail, and the checkpoint a verification of rows from time `since` on may start from. */
  state(chain: AuditChainName, since?: number): Promise<AnchorState>;
  /** Re-links every keyed row with the newest AUDIT_KEY key once the chain verifies. */
  reseal(chain: AuditChainName): Promise<ResealResult>;
}

/** A re-seal's outcome: the key now linking every keyed row and how many rows each old key had, or why not. */
export type ResealResult =
  | { chain: AuditChainName; keyId: string; fromKeys: Record<string, number> }
  | { chain: AuditChainName; refused: string };

/**
 * @module
 * The anchor's own storage (SQLite in the Durable Object): the newest link of its chain, the
 * checkpoints, and the progress of a re-seal. On first use it adopts what D1 holds (rows written
 * before anchors existed); after a restart it adopts rows D1 committed that it had not yet
 * recorded, if their links hold.
 */
import type { AnchoredLink, AnchorState, AuditChainName } from "../../../../shared/audit/anchorProtocol";
import { CHECKPOINT_EVERY, expectedLink, GENESIS_LINK } from "../../../../shared/audit/link";
import { afterSeq, rowsAfter } from "../../../../shared/audit/rows";
import type { Env } from "../../../../shared/config/env";
import { keyRingOf } from "../../../../shared/crypto/keyRing";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tail (
  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, link TEXT NOT NULL, at INTEGER NOT NULL,
  legacy_until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, link TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS checkpoints_at ON checkpoints (at);
CREATE TABLE IF NOT EXISTS reseal (id INTEGER PRIMARY KEY CHECK (id = 1), progress TEXT NOT NULL);
`;

export interface Tail extends AnchoredLink {
  legacyUntil: number;
}

export interface ResealProgress {
  doneSeq: number;
  newLink: string;
  oldLink: string;
  fromKeys: Record<string, number>;
  /** Where the next page takes it, recorded before that page's D1 batch: kept if the batch landed. */
  next?: Omit<ResealProgress, "next">;
}

export class AnchorStore {
  #tail?: Tail;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
  ) {
    sql.exec(SCHEMA);
  }

  /** The chain's tail, read (and reconciled with D1) once per life of the object. */
  async tail(chain: AuditChainName): Promise<Tail> {
    if (this.#tail) return this.#tail;
    const stored = this.sql
      .exec<{ seq: number; link: string; at: number; legacy_until: number }>(
        "SELECT seq, link, at, legacy_until FROM tail",
      )
      .toArray()[0];
    const tail = stored
      ? { seq: stored.seq, link: stored.link, at: stored.at, legacyUntil: stored.legacy_until }
      : await this.#adopt(chain);
    this.#tail = await this.#catchUp(chain, tail);
    return this.#tail;
  }

  /** First use: D1's rows so far are the chain's start; the unkeyed ones are vouched for here. */
  async #adopt(chain: AuditChainName): Promise<Tail> {
    type Last = { seq: number; hash: string; at: number };
    const last = await this.env.DB.prepare(
      "SELECT seq, hash, at FROM audit_log WHERE chain = ?1 ORDER BY seq DESC LIMIT 1",
    )
      .bind(chain)
      .first<Last>();
    if (!last) return this.#save({ seq: 0, link: GENESIS_LINK, at: 0, legacyUntil: 0 });
    const legacy = await this.env.DB.prepare(
      "SELECT seq, hash, at FROM audit_log WHERE chain = ?1 AND key_id IS NULL ORDER BY seq DESC LIMIT 1",
    )
      .bind(chain)
      .first<Last>();
    if (legacy) this.setCheckpoint({ seq: legacy.seq, link: legacy.hash, at: legacy.at });
    return this.#save({ seq: last.seq, link: last.hash, at: last.at, legacyUntil: legacy?.seq ?? 0 });
  }

  /** Rows D1 committed after the stored tail (the object stopped before recording them), if they link. */
  async #catchUp(chain: AuditChainName, tail: Tail): Promise<Tail> {
    const ring = keyRingOf("AUDIT_KEY", this.env.AUDIT_KEY);
    let next = tail;
    for (const row of await rowsAfter(this.env.DB, chain, afterSeq(tail.seq), 100)) {
      const expected = await expectedLink(ring, row, tail.legacyUntil);
      const links = row.seq === next.seq + 1 && row.prevHash === next.link && row.at >= next.at;
      if (!links || !("link" in expected) || expected.link !== row.hash) break;
      next = { ...next, seq: row.seq, link: row.hash, at: row.at };
    }
    return next === tail ? tail : this.#save(next);
  }

  #save(tail: Tail): Tail {
    this.sql.exec(
      "INSERT OR REPLACE INTO tail (id, seq, link, at, legacy_until) VALUES (1, ?, ?, ?, ?)",
      tail.seq,
      tail.link,
      tail.at,
      tail.legacyUntil,
    );
    this.#tail = tail;
    return tail;
  }

  /** Reads the tail again from storage and D1 before the next append. */
  forget(): void {
    this.#tail = undefined;
  }

  /** Records rows just committed: the new tail, and a checkpoint at every multiple of CHECKPOINT_EVERY. */
  advance(links: AnchoredLink[]): void {
    const tail = this.#tail;
    const newest = links.at(-1);
    if (!tail || !newest) return;
    for (const link of links) if (link.seq % CHECKPOINT_EVERY === 0) this.setCheckpoint(link);
    this.#save({ ...tail, ...newest });
  }

  setCheckpoint(link: AnchoredLink): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO checkpoints (seq, link, at) VALUES (?, ?, ?)",
      link.seq,
      link.link,
      link.at,
    );
  }

  /** What a verification of the rows from time `since` on needs: the tail, the legacy boundary, the checkpoint before. */
  stateFor(tail: Tail, since: number): AnchorState {
    type Stored = { seq: number; link: string; at: number };
    const one = (query: string, bound: number) => this.sql.exec<Stored>(query, bound).toArray()[0];
    const checkpoint =
      since > 0
        ? one("SELECT seq, link, at FROM checkpoints WHERE at < ? ORDER BY seq DESC LIMIT 1", since)
        : undefined;
    const legacyTail =
      tail.legacyUntil > 0
        ? one("SELECT seq, link, at FROM checkpoints WHERE seq = ?", tail.legacyUntil)
        : undefined;
    const copy = (c: Stored) => ({ seq: c.seq, link: c.link, at: c.at });
    return {
      tail: { seq: tail.seq, link: tail.link, at: tail.at },
      legacyUntil: tail.legacyUntil,
      ...(legacyTail ? { legacyTail: copy(legacyTail) } : {}),
      ...(checkpoint ? { checkpoint: copy(checkpoint) } : {}),
    };
  }

  resealProgress(): ResealProgress | undefined {
    const row = this.sql.exec<{ progress: string }>("SELECT progress FROM reseal").toArray()[0];
    return row ? (JSON.parse(row.progress) as ResealProgress) : undefined;
  }

  saveResealProgress(progress: ResealProgress | undefined): void {
    if (!progress) {
      this.sql.exec("DELETE FROM reseal");
      return;
    }
    this.sql.exec("INSERT OR REPLACE INTO reseal (id, progress) VALUES (1, ?)", JSON.stringify(progress));
  }

  /** After a re-seal: the tail's new link. */
  relinkTail(link: string): void {
    const tail = this.#tail;
    if (tail) this.#save({ ...tail, link });
  }
}

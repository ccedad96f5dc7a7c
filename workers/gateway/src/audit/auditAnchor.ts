/**
 * @module
 * The audit anchor: one Durable Object per chain of the audit log, and that chain's only writer.
 * Appends queue here and are committed to D1 in order, many rows per D1 batch when they bring no
 * writes of their own, so a flood of screening rows neither collides nor waits on the admin chain.
 * The newest link and a checkpoint every CHECKPOINT_EVERY rows stay in this object's storage,
 * outside D1, where verification checks them.
 */
import { DurableObject } from "cloudflare:workers";
import type {
  AnchoredLink,
  AnchorState,
  AuditAnchorApi,
  AuditChainName,
  AuditEntry,
  ResealResult,
  SqlStatement,
} from "../../../../shared/audit/anchorProtocol";
import { keyedLink } from "../../../../shared/audit/link";
import { insertRow, type StoredRow } from "../../../../shared/audit/rows";
import { wellFormed } from "../../../../shared/audit/wellFormed";
import type { Env } from "../../../../shared/config/env";
import { keyRingOf } from "../../../../shared/crypto/keyRing";
import { ConflictError } from "../../../../shared/errors/kinds";
import { AnchorStore } from "./anchorStore";
import { resealChain } from "./reseal";

/** Rows without writes of their own committed in one D1 batch, at most. */
const GROUP = 100;

interface Deferred<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

type Job =
  | { kind: "append"; entry: AuditEntry; changes: SqlStatement[]; done: Deferred<number> }
  | { kind: "task"; run: () => Promise<unknown>; done: Deferred<unknown> };

/** JSON as D1 will hold it, so the link is made over what verification reads back. */
function asStored(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

export class AuditAnchor extends DurableObject<Env> implements AuditAnchorApi {
  readonly #store: AnchorStore;
  readonly #jobs: Job[] = [];
  #draining = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new AnchorStore(ctx.storage.sql, env);
  }

  append(chain: AuditChainName, entry: AuditEntry, changes: SqlStatement[] = []): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#jobs.push({ kind: "append", entry, changes, done: { resolve, reject } });
      void this.#drain(chain);
    });
  }

  state(chain: AuditChainName, since = 0): Promise<AnchorState> {
    return this.#task(chain, async () => this.#store.stateFor(await this.#store.tail(chain), since));
  }

  reseal(chain: AuditChainName): Promise<ResealResult> {
    return this.#task(chain, () =>
      resealChain(this.env, this.#store, chain).catch((err: unknown) => {
        if (err instanceof ConflictError) return { chain, refused: err.message };
        throw err;
      }),
    );
  }

  #task<T>(chain: AuditChainName, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ kind: "task", run, done: { resolve: resolve as (v: unknown) => void, reject } });
      void this.#drain(chain);
    });
  }

  /** Runs the queue in order; appends next to each other share a batch unless they carry writes. */
  async #drain(chain: AuditChainName): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let head = this.#jobs[0]; head; head = this.#jobs[0]) {
        if (head.kind === "task") {
          this.#jobs.shift();
          await head.run().then(head.done.resolve, head.done.reject);
          continue;
        }
        const group = this.#takeGroup();
        await this.#commit(chain, group).catch((err) => {
          for (const job of group) job.done.reject(err);
        });
      }
    } finally {
      this.#draining = false;
    }
  }

  #takeGroup(): Extract<Job, { kind: "append" }>[] {
    const group: Extract<Job, { kind: "append" }>[] = [];
    for (let job = this.#jobs[0]; job?.kind === "append" && group.length < GROUP; job = this.#jobs[0]) {
      if (group.length > 0 && job.changes.length > 0) break;
      group.push(job);
      this.#jobs.shift();
      if (job.changes.length > 0) break;
    }
    return group;
  }

  /** Links the group's rows after the tail, commits them with their writes, then moves the anchor. */
  async #commit(chain: AuditChainName, group: Extract<Job, { kind: "append" }>[]): Promise<void> {
    // A re-seal that stopped half way is finished before anything links to the tail.
    if (this.#store.resealProgress()) {
      await resealChain(this.env, this.#store, chain).catch((err: unknown) => {
        // Rows still link to the old tail; verification shows where the re-seal stopped.
        console.error(JSON.stringify({ event: "audit_reseal_unfinished", chain, error: String(err) }));
      });
    }
    const tail = await this.#store.tail(chain);
    const key = keyRingOf("AUDIT_KEY", this.env.AUDIT_KEY).current;
    // Rows go after the anchor's own tail, whatever else D1 holds; time never runs backwards in a chain.
    let prev: AnchoredLink = { seq: tail.seq, link: tail.link, at: tail.at };
    const rows: Omit<StoredRow, "id">[] = [];
    const at = Math.max(Date.now(), tail.at);
    for (const { entry } of group) {
      const row = {
        chain,
        seq: prev.seq + 1,
        at,
        actor: wellFormed(entry.actor),
        action: wellFormed(entry.action),
        target: wellFormed(entry.target),
        before: asStored(entry.before),
        after: asStored(entry.after),
        prevHash: prev.link,
        keyId: key.id,
      };
      const hash = await keyedLink(key, row);
      rows.push({ ...row, hash });
      prev = { seq: row.seq, link: hash, at };
    }
    const db = this.env.DB;
    const writes = group.flatMap((job) => job.changes.map((c) => db.prepare(c.sql).bind(...c.params)));
    try {
      await db.batch([...rows.map((row) => insertRow(db, row)), ...writes]);
    } catch (err) {
      // The anchor's tail is read again before the next try, in case the batch landed after all.
      this.#store.forget();
      throw err;
    }
    this.#store.advance(rows.map((r) => ({ seq: r.seq, link: r.hash, at: r.at })));
    for (const [i, job] of group.entries()) job.done.resolve(rows[i]?.seq ?? 0);
  }
}

/**
 * @module
 * One feed per chain and region (named `<chain>/<region>`; `<chain>` alone for shards named before
 * regions, and as the chain's record of its regions for the admin view): follows the chain's head
 * (headFollower.ts) and publishes each block (header and logs) once, in order, stamped with a
 * sequence number, to every fan-out shard that has subscribers (shards.ts). New heads (and pending
 * transactions) come from an upstream WebSocket when one has the `ws` capability
 * (upstreamSocket.ts), and from polling otherwise (pending transactions through a filter:
 * pendingFilter.ts). The last blocks of events stay in SQLite for resuming subscribers
 * (replayBuffer.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { type ChainConfig, resolveChain } from "../../../../shared/config/chains";
import { type Env, settingsOf } from "../../../../shared/config/env";
import { redact } from "../../../../shared/errors/redact";
import { type ChainCall, chainCaller } from "../../../../shared/routing/chainCaller";
import type { FeedEvent } from "../../../../shared/stream/events";
import type { AttachParameters, AttachReturnType, ChainFeedApi } from "../../../../shared/stream/protocol";
import { HeadFollower } from "./headFollower";
import type { BlockId } from "./headStep";
import { PendingFilter } from "./pendingFilter";
import { ReplayBuffer } from "./replayBuffer";
import { FeedShards } from "./shards";
import { UpstreamSocket } from "./upstreamSocket";

/** The feed keeps following this long after its last subscriber leaves, so a reconnect can resume. */
export const LINGER_MS = 5 * 60_000;

/** The regions where the chain has had shards (their directories tell it): for the admin view. */
const REGIONS_SCHEMA = "CREATE TABLE IF NOT EXISTS regions (region TEXT PRIMARY KEY)";

export class ChainFeed extends DurableObject<Env> implements ChainFeedApi {
  private readonly buffer: ReplayBuffer;
  private readonly shards: FeedShards;
  private readonly follower: HeadFollower;
  private readonly upstream: UpstreamSocket;
  /** Pending transactions while no upstream socket delivers them. */
  private readonly pendingFilter = new PendingFilter();
  /** Set when the last shard left; the feed stops LINGER_MS later. */
  private idleSince: number | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.buffer = new ReplayBuffer(ctx.storage.sql);
    ctx.storage.sql.exec(REGIONS_SCHEMA);
    this.shards = new FeedShards(ctx.storage.sql, env, (event, err) => this.log(event, err));
    this.follower = new HeadFollower({
      tip: () => this.buffer.tip(),
      publishedAt: (n) => this.buffer.publishedAt(n),
      caller: () => this.caller(),
      publish: (event) => this.publish(event),
    });
    this.upstream = new UpstreamSocket(env, {
      wantsPending: () => this.shards.wantsPending(),
      onOpen: () => this.pendingFilter.reset(),
      onHead: (head) => this.follow(head),
      onPending: (hash) => this.ctx.waitUntil(this.deliverPending([hash])),
      // Catch up by polling at once, and reconnect (to the next upstream) on the next alarm.
      onClosed: () => this.ctx.storage.setAlarm(Date.now()).catch((err) => this.log("alarm_failed", err)),
    });
  }

  /** A shard has subscribers: deliver to it from now on; with `resumeAfter`, the events it missed. */
  async attach(p: AttachParameters): Promise<AttachReturnType> {
    const wasPending = this.shards.wantsPending();
    this.shards.add(p.chain, p.shard, { pending: p.pending });
    this.idleSince = undefined;
    if (this.shards.wantsPending() && !wasPending) await this.startPending();
    await this.ensureRunning();
    // A new subscriber's stream starts at the head as of now: publish it before answering.
    if (!this.buffer.tip()) await this.follow();
    return this.buffer.resume(p.resumeAfter);
  }

  /** A shard has no subscribers left. */
  detach(shard: string): void {
    this.shards.remove(shard);
    if (this.shards.size === 0) this.idleSince = Date.now();
  }

  /** A region where the chain has shards, told by its directory (never on the path of delivery). */
  addRegion(region: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO regions (region) VALUES (?)", region);
  }

  /** The regions where the chain has had shards, for the admin view. */
  regions(): string[] {
    return this.ctx.storage.sql
      .exec<{ region: string }>("SELECT region FROM regions")
      .toArray()
      .map((r) => r.region);
  }

  /** The polling loop and watchdog: follows the head, reconnects the socket, stops when idle. */
  override async alarm(): Promise<void> {
    if (this.idleSince !== undefined && Date.now() - this.idleSince > LINGER_MS) {
      this.stop();
      return;
    }
    const chain = await this.chain();
    if (!chain?.enabled) {
      this.stop();
      return;
    }
    if (!this.upstream.isOpen) {
      await this.upstream.connect(chain).catch((err) => this.log("ws_connect_failed", err));
    }
    await this.follow();
    if (!this.upstream.isOpen && this.shards.wantsPending()) {
      await this.pollPending(chain).catch((err) => this.log("pending_poll_failed", err));
    }
    const every = this.upstream.isOpen
      ? Math.max(2 * chain.blockTimeMs, 2_000)
      : Math.min(Math.max(chain.blockTimeMs / 4, 250), 2_000);
    await this.ctx.storage.setAlarm(Date.now() + every);
  }

  private async ensureRunning() {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  private stop() {
    this.upstream.close();
    // A later start may be long after: events from before it would leave a gap behind a resume.
    this.buffer.clear();
  }

  private async chain(): Promise<ChainConfig | null> {
    const slug = this.shards.chain;
    if (!slug) return null;
    return resolveChain(this.env, slug, (p) => this.ctx.waitUntil(p));
  }

  private async caller(): Promise<ChainCall | undefined> {
    const chain = await this.chain();
    if (!chain) return undefined;
    return chainCaller(chain, settingsOf(this.env).upstreamTimeoutMs, (p) => this.ctx.waitUntil(p));
  }

  /** Follows the head now; a failure is logged, and the next alarm tries again. */
  private follow(head?: BlockId): Promise<void> {
    return this.follower.follow(head).catch((err) => this.log("follow_failed", err));
  }

  /** Stamps, stores and delivers one event; returns once every shard has it. */
  private async publish(event: FeedEvent) {
    this.buffer.append(event);
    await this.shards.deliver([event], () => true);
  }

  /** Pending transactions from now on: through the upstream socket, or a filter set up at once. */
  private async startPending() {
    if (this.upstream.subscribeToPending()) return;
    const chain = await this.chain();
    if (chain) await this.pollPending(chain).catch((err) => this.log("pending_poll_failed", err));
  }

  private async pollPending(chain: ChainConfig) {
    const hashes = await this.pendingFilter.poll(chain, settingsOf(this.env).upstreamTimeoutMs);
    if (hashes.length > 0) await this.deliverPending(hashes);
  }

  private deliverPending(hashes: string[]): Promise<void> {
    return this.shards.deliver([{ seq: 0, type: "pending", hashes }], (s) => s.pending);
  }

  private log(event: string, err: unknown) {
    console.warn(JSON.stringify({ event, chain: this.shards.chain, error: redact(String(err)) }));
  }
}

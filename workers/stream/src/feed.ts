/**
 * @module
 * One feed per chain: follows the chain's head and publishes each block (header and logs) once, in
 * order, stamped with a sequence number, to every fan-out shard that has subscribers. New heads (and
 * pending transactions) come from an upstream WebSocket when one has the `ws` capability, and from
 * polling otherwise (pending transactions through a filter: pendingFilter.ts); either
 * way blocks are fetched by number from the last one published, so a dropped socket or a change of
 * upstream leaves no gap. A block whose parent is not the last published block is a reorg: the
 * orphaned blocks' logs are published again with `removed: true`, then the new branch. The last
 * REPLAY_BLOCKS blocks of events stay in SQLite for resuming subscribers.
 */
import { DurableObject } from "cloudflare:workers";
import { type ChainConfig, resolveChain } from "../../../shared/config/chains";
import type { Env } from "../../../shared/config/env";
import { settingsOf } from "../../../shared/config/env";
import { redact } from "../../../shared/errors/redact";
import { type ChainCall, chainCaller } from "../../../shared/routing/chainCaller";
import { eventLogsOf, type FeedEvent, headOf, removedLogs } from "../../../shared/stream/events";
import type { AttachParameters, AttachReturnType, ChainFeedApi } from "../../../shared/stream/protocol";
import { PendingFilter } from "./pendingFilter";

/** Blocks of events kept for resuming subscribers. */
export const REPLAY_BLOCKS = 128;
/** The feed keeps following this long after its last subscriber leaves, so a reconnect can resume. */
export const LINGER_MS = 5 * 60_000;
/** Most blocks fetched in one round; a longer gap is filled over several rounds. */
const ROUND_BLOCKS = 32;

const SUBSCRIBE_PENDING =
  '{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["newPendingTransactions"]}';

type BlockEvent = Extract<FeedEvent, { type: "block" }>;
type RawBlock = { number: string; hash: string; parentHash: string } & Record<string, unknown>;
type RawLog = { blockHash: string } & Record<string, unknown>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY, pending INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
`;

export class ChainFeed extends DurableObject<Env> implements ChainFeedApi {
  private readonly sql: SqlStorage;
  /** Buffered events, oldest first. */
  private events: FeedEvent[] = [];
  /** The published chain: block events not since removed, oldest first. */
  private canon: BlockEvent[] = [];
  private seq = 0;
  private shards = new Map<string, { pending: boolean }>();
  private slug: string | undefined;
  /** Set when the last shard left; the feed stops LINGER_MS later. */
  private idleSince: number | undefined;
  private socket: WebSocket | undefined;
  private socketTurn = 0;
  /** The upstream socket that has been asked for pending transactions (once per socket). */
  private pendingSocket: WebSocket | undefined;
  /** Pending transactions while no upstream socket delivers them. */
  private readonly pendingFilter = new PendingFilter();
  private following: Promise<void> | undefined;
  private followAgain = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    for (const row of this.sql.exec<{ body: string }>("SELECT body FROM events ORDER BY seq")) {
      this.remember(JSON.parse(row.body) as FeedEvent);
    }
    const last = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'seq'").toArray()[0];
    this.seq = Math.max(this.seq, Number(last?.v ?? 0));
    this.slug = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'chain'").toArray()[0]?.v;
    for (const row of this.sql.exec<{ name: string; pending: number }>("SELECT * FROM shards")) {
      this.shards.set(row.name, { pending: row.pending === 1 });
    }
  }

  /** A shard has subscribers: deliver to it from now on; with `resumeAfter`, the events it missed. */
  async attach(p: AttachParameters): Promise<AttachReturnType> {
    if (this.slug !== p.chain) {
      this.slug = p.chain;
      this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('chain', ?)", p.chain);
    }
    const wasPending = this.wantsPending();
    this.shards.set(p.shard, { pending: p.pending });
    this.sql.exec("INSERT OR REPLACE INTO shards (name, pending) VALUES (?, ?)", p.shard, p.pending ? 1 : 0);
    this.idleSince = undefined;
    if (this.wantsPending() && !wasPending) await this.startPending();
    await this.ensureRunning();
    // A new subscriber's stream starts at the head as of now: publish it before answering.
    if (this.canon.length === 0) await this.follow().catch((err) => this.log("follow_failed", err));
    const oldest = this.events[0]?.seq ?? this.seq + 1;
    const latest = this.seq;
    const after = p.resumeAfter;
    if (after === undefined) return { ok: true, replay: [], oldest, latest };
    if (after < oldest - 1 || after > latest) return { ok: false, replay: [], oldest, latest };
    return { ok: true, replay: this.events.filter((e) => e.seq > after), oldest, latest };
  }

  /** A shard has no subscribers left. */
  detach(shard: string): void {
    this.shards.delete(shard);
    this.sql.exec("DELETE FROM shards WHERE name = ?", shard);
    if (this.shards.size === 0) this.idleSince = Date.now();
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
    if (!this.socket) await this.connectUpstream(chain).catch((err) => this.log("ws_connect_failed", err));
    await this.follow().catch((err) => this.log("follow_failed", err));
    if (!this.socket && this.wantsPending()) {
      await this.pollPending(chain).catch((err) => this.log("pending_poll_failed", err));
    }
    const every = this.socket
      ? Math.max(2 * chain.blockTimeMs, 2_000)
      : Math.min(Math.max(chain.blockTimeMs / 4, 250), 2_000);
    await this.ctx.storage.setAlarm(Date.now() + every);
  }

  private async ensureRunning() {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  private stop() {
    this.socket?.close(1000, "no subscribers");
    this.socket = undefined;
    // A later start may be long after: events from before it would leave a gap behind a resume.
    this.events = [];
    this.canon = [];
    this.sql.exec("DELETE FROM events");
  }

  private async chain(): Promise<ChainConfig | null> {
    if (!this.slug) return null;
    return resolveChain(this.env, this.slug, (p) => this.ctx.waitUntil(p));
  }

  private caller(chain: ChainConfig): ChainCall {
    return chainCaller(chain, settingsOf(this.env).upstreamTimeoutMs, (p) => this.ctx.waitUntil(p));
  }

  /** Runs one catch-up at a time; a kick during one runs another after it. */
  private follow(): Promise<void> {
    if (this.following) {
      this.followAgain = true;
      return this.following;
    }
    this.following = (async () => {
      try {
        do {
          this.followAgain = false;
          await this.catchUp();
        } while (this.followAgain);
      } finally {
        this.following = undefined;
      }
    })();
    return this.following;
  }

  private async catchUp() {
    const chain = await this.chain();
    if (!chain) return;
    const call = this.caller(chain);
    const head = Number(await call<string>("eth_blockNumber", []));
    for (let round = 0; ; round++) {
      const tip = this.canon.at(-1);
      if (!tip) {
        await this.publishBlock(call, head);
        return;
      }
      if (tip.number >= head) return;
      if (round === ROUND_BLOCKS) {
        this.followAgain = true;
        return;
      }
      const outcome = await this.publishBlock(call, tip.number + 1, tip);
      if (outcome === "missing") return;
      if (outcome === "reorg") await this.unwind(call);
    }
  }

  /** Fetches block `n` with its logs and publishes it, unless its parent is not `parent`. */
  private async publishBlock(call: ChainCall, n: number, parent?: BlockEvent) {
    const number = `0x${n.toString(16)}`;
    const [block, logs] = await Promise.all([
      call<RawBlock | null>("eth_getBlockByNumber", [number, false]),
      call<RawLog[]>("eth_getLogs", [{ fromBlock: number, toBlock: number }]),
    ]);
    if (!block) return "missing";
    if (parent && block.parentHash !== parent.hash) return "reorg";
    // The block changed between the two calls: ask for its logs by hash.
    const own = logs.every((l) => l.blockHash === block.hash)
      ? logs
      : await call<RawLog[]>("eth_getLogs", [{ blockHash: block.hash }]);
    await this.publish({
      seq: 0,
      type: "block",
      number: n,
      hash: block.hash,
      head: headOf(block),
      logs: eventLogsOf(own),
    });
    return "published";
  }

  /** Drops published blocks that left the chain, newest first, down to one still on it. */
  private async unwind(call: ChainCall) {
    for (let tip = this.canon.at(-1); tip; tip = this.canon.at(-1)) {
      const now = await call<RawBlock | null>("eth_getBlockByNumber", [
        `0x${tip.number.toString(16)}`,
        false,
      ]);
      if (now?.hash === tip.hash) return;
      const logs = removedLogs(tip.logs);
      await this.publish({ seq: 0, type: "removed", number: tip.number, hash: tip.hash, logs });
    }
  }

  /** Stamps, stores and delivers one event; returns once every shard has it. */
  private async publish(event: FeedEvent) {
    event.seq = ++this.seq;
    this.sql.exec("INSERT INTO events (seq, body) VALUES (?, ?)", event.seq, JSON.stringify(event));
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('seq', ?)", String(this.seq));
    this.remember(event);
    const first = this.events[0];
    if (first) this.sql.exec("DELETE FROM events WHERE seq < ?", first.seq);
    await this.deliver([event], () => true);
  }

  /** Adds an event to the buffer and the published chain, and trims both to REPLAY_BLOCKS blocks. */
  private remember(event: FeedEvent) {
    this.seq = Math.max(this.seq, event.seq);
    this.events.push(event);
    if (event.type === "block") this.canon.push(event);
    else if (event.type === "removed") this.canon.pop();
    if (this.canon.length > REPLAY_BLOCKS) this.canon.shift();
    const blocks = this.events.filter((e) => e.type === "block").length;
    if (blocks > REPLAY_BLOCKS) {
      const cut = this.events.findIndex((e, i) => i > 0 && e.type === "block");
      this.events = this.events.slice(cut);
    }
  }

  private async deliver(events: FeedEvent[], to: (shard: { pending: boolean }) => boolean) {
    const slug = this.slug as string;
    await Promise.all(
      [...this.shards].flatMap(([name, shard]) => {
        if (!to(shard)) return [];
        const stub = this.env.SHARD.getByName(name);
        // One retry: a shard that was just evicted answers on the second call.
        return [
          stub
            .deliver(slug, events)
            .catch(() => stub.deliver(slug, events))
            .catch((err) => this.log("deliver_failed", err)),
        ];
      }),
    );
  }

  private wantsPending() {
    for (const shard of this.shards.values()) if (shard.pending) return true;
    return false;
  }

  /** Subscribes to new heads (and pending transactions) on an upstream with the `ws` capability. */
  private async connectUpstream(chain: ChainConfig) {
    const able = chain.upstreams.filter((u) => u.capabilities.includes("ws"));
    const upstream = able[this.socketTurn++ % Math.max(able.length, 1)];
    if (!upstream) return;
    const response = await fetch(upstream.url, {
      headers: { upgrade: "websocket" },
      signal: AbortSignal.timeout(settingsOf(this.env).upstreamTimeoutMs),
    });
    const ws = response.webSocket;
    if (!ws) throw new Error(`upstream ${upstream.id} refused the WebSocket (HTTP ${response.status})`);
    ws.accept();
    this.socket = ws;
    this.pendingFilter.reset();
    ws.send('{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}');
    if (this.wantsPending()) this.subscribePending(ws);
    ws.addEventListener("message", (event) => this.onUpstreamMessage(event.data));
    const closed = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      // Catch up by polling at once, and reconnect (to the next upstream) on the next alarm.
      this.ctx.storage.setAlarm(Date.now()).catch((err) => this.log("alarm_failed", err));
    };
    ws.addEventListener("close", closed);
    ws.addEventListener("error", closed);
  }

  /** Pending transactions from now on: through the upstream socket, or a filter set up at once. */
  private async startPending() {
    if (this.socket) {
      this.subscribePending(this.socket);
      return;
    }
    const chain = await this.chain();
    if (chain) await this.pollPending(chain).catch((err) => this.log("pending_poll_failed", err));
  }

  private subscribePending(ws: WebSocket) {
    if (this.pendingSocket === ws) return;
    this.pendingSocket = ws;
    ws.send(SUBSCRIBE_PENDING);
  }

  private async pollPending(chain: ChainConfig) {
    const hashes = await this.pendingFilter.poll(chain, settingsOf(this.env).upstreamTimeoutMs);
    if (hashes.length > 0) await this.deliver([{ seq: 0, type: "pending", hashes }], (s) => s.pending);
  }

  private onUpstreamMessage(data: unknown) {
    if (typeof data !== "string") return;
    let message: { method?: string; params?: { result?: unknown } };
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.method !== "eth_subscription") return;
    const result = message.params?.result;
    if (typeof result === "string") {
      const event: FeedEvent = { seq: 0, type: "pending", hashes: [result] };
      this.ctx.waitUntil(this.deliver([event], (s) => s.pending));
    } else {
      this.follow().catch((err) => this.log("follow_failed", err));
    }
  }

  private log(event: string, err: unknown) {
    console.warn(JSON.stringify({ event, chain: this.slug, error: redact(String(err)) }));
  }
}

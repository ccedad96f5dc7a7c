/**
 * @module
 * The WebSocket bench's baseline (bench/wsBare.mjs runs it beside the gateway): the least a
 * hibernating fan-out can do. A feed object follows the same anvil's new heads over a WebSocket, as
 * the gateway's feed does with an upstream of the `ws` capability, builds one newHeads notification
 * per head (padded to the gateway's frame size) and hands it by RPC to every shard object; a shard
 * sends that one string to each socket it accepted. No auth, metering, per-subscription frames,
 * block or log fetch, replay buffer or admission queue: the gateway's cost shows as the difference.
 *
 *   POST /start?shards=K&bytes=B   the feed connects to UPSTREAM_URL, delivers to shards 0..K-1,
 *                                  frames padded to B bytes (0: as they are)
 *   POST /stop                     the feed closes its upstream socket
 *   GET  /ws/K (upgrade)           a socket on one of K shards, in turn
 *   POST /sends?n=N&relay=R        the feed's cost of one RPC send: N sends straight, or R relays
 *                                  that send N/R each; answers the median milliseconds
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  UPSTREAM_URL: string;
  FEED: DurableObjectNamespace<BareFeed>;
  SHARD: DurableObjectNamespace<BareShard>;
}

/** The one subscription id every socket gets: the frame is then the same string for all. */
const SUB_ID = `0x${"ab".repeat(16)}`;
const SUBSCRIBE_HEADS = '{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}';
/** Rounds of each send measurement; the median counts. */
const ROUNDS = 15;
/**
 * Sockets this isolate has placed: they go to the shards in turn, evenly, as the gateway's regional
 * shards fill up to their cap (locally one isolate serves every upgrade).
 */
let opened = 0;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const feed = env.FEED.getByName("feed");
    const param = (name: string) => Number(url.searchParams.get(name) ?? 0);
    if (url.pathname.startsWith("/ws/")) {
      const shards = Math.max(1, Number(url.pathname.slice(4)) || 1);
      return env.SHARD.getByName(`shard/${opened++ % shards}`).fetch(request);
    }
    if (request.method !== "POST") return new Response("not found", { status: 404 });
    if (url.pathname === "/start") return Response.json(await feed.start(param("shards"), param("bytes")));
    if (url.pathname === "/stop") return Response.json(await feed.stop());
    if (url.pathname === "/sends") return Response.json(await feed.sends(param("n"), param("relay")));
    return new Response("not found", { status: 404 });
  },
};

export class BareFeed extends DurableObject<Env> {
  private socket: WebSocket | undefined;
  private shards = 0;
  private bytes = 0;
  private seq = 0;

  async start(shards: number, bytes: number): Promise<{ shards: number; bytes: number }> {
    this.shards = Math.max(1, shards);
    this.bytes = bytes;
    if (this.socket) return { shards: this.shards, bytes };
    const response = await fetch(this.env.UPSTREAM_URL, { headers: { upgrade: "websocket" } });
    const ws = response.webSocket;
    if (!ws) throw new Error(`upstream refused the WebSocket (HTTP ${response.status})`);
    ws.accept();
    ws.send(SUBSCRIBE_HEADS);
    ws.addEventListener("message", (event) => this.onMessage(event.data));
    ws.addEventListener("close", () => {
      if (this.socket === ws) this.socket = undefined;
    });
    this.socket = ws;
    return { shards: this.shards, bytes };
  }

  stop(): boolean {
    this.socket?.close(1000, "bench done");
    this.socket = undefined;
    return true;
  }

  /** One head: one frame, handed to every shard. */
  private onMessage(data: unknown) {
    if (typeof data !== "string") return;
    const message = JSON.parse(data) as { method?: string; params?: { result?: Record<string, unknown> } };
    const head = message.params?.result;
    if (message.method !== "eth_subscription" || !head) return;
    // The header fields the gateway's newHeads sends (shared/stream/events.ts headOf).
    const { transactions: _t, uncles: _u, withdrawals: _w, size: _s, totalDifficulty: _d, ...fields } = head;
    this.seq++;
    let frame = `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${SUB_ID}","seq":${this.seq},"result":${JSON.stringify(fields)}}}`;
    // JSON whitespace before the last brace: the same bytes on the wire as the gateway's frame.
    if (frame.length < this.bytes) frame = `${frame.slice(0, -1)}${" ".repeat(this.bytes - frame.length)}}`;
    for (let i = 0; i < this.shards; i++) {
      this.ctx.waitUntil(this.env.SHARD.getByName(`shard/${i}`).deliver(frame));
    }
  }

  /**
   * Median milliseconds, over ROUNDS, for the feed to have `n` RPC sends answered: straight to n
   * objects, or (relay > 0) to `relay` objects that each send n / relay on. Time moves in a Durable
   * Object only across I/O, so each round is timed around its awaits; locally every object shares
   * one thread, so this is an upper bound of the feed's own cost per send.
   */
  async sends(n: number, relay: number): Promise<{ n: number; relay: number; ms: number; rounds: number[] }> {
    const round = () => {
      if (relay > 0) {
        const each = Math.ceil(n / relay);
        return Promise.all(
          Array.from({ length: relay }, (_, r) => this.env.SHARD.getByName(`relay/${r}`).relay(r, each)),
        );
      }
      return Promise.all(Array.from({ length: n }, (_, i) => this.env.SHARD.getByName(`probe/${i}`).ping()));
    };
    await round();
    const rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = Date.now();
      await round();
      rounds.push(Date.now() - t0);
    }
    const sorted = [...rounds].sort((a, b) => a - b);
    return { n, relay, ms: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, rounds };
  }
}

export class BareShard extends DurableObject<Env> {
  /** Open sockets, read from the runtime once per wake-up. */
  private open: Set<WebSocket> | undefined;

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    this.sockets().add(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Every frame is taken as eth_subscribe: answered with the one subscription id. */
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const { id } = JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message));
    ws.send(`{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"result":"${SUB_ID}"}`);
  }

  override webSocketClose(ws: WebSocket): void {
    this.sockets().delete(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.sockets().delete(ws);
  }

  /** The same frame to every socket; returns how many took it. */
  deliver(frame: string): number {
    let sent = 0;
    for (const ws of this.sockets()) {
      try {
        ws.send(frame);
        sent++;
      } catch {
        this.open?.delete(ws);
      }
    }
    return sent;
  }

  ping(): number {
    return 1;
  }

  /** A relay: `n` sends on to objects of its own. */
  async relay(r: number, n: number): Promise<number> {
    await Promise.all(
      Array.from({ length: n }, (_, i) => this.env.SHARD.getByName(`probe/${r}/${i}`).ping()),
    );
    return n;
  }

  private sockets(): Set<WebSocket> {
    this.open ??= new Set(this.ctx.getWebSockets());
    return this.open;
  }
}

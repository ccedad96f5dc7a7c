/**
 * @module
 * The feed's WebSocket to one upstream with the `ws` capability: subscribed to new heads (each a
 * kick to follow the head) and, while a shard wants them, to pending transactions. Upstreams with
 * the capability take turns, one per connection.
 */
import type { ChainConfig } from "../../../../shared/config/chains";
import { type Env, settingsOf } from "../../../../shared/config/env";
import type { BlockId } from "./headStep";

const SUBSCRIBE_HEADS = '{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}';
const SUBSCRIBE_PENDING =
  '{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["newPendingTransactions"]}';

export interface UpstreamSocketHooks {
  /** Read when a socket opens: whether to subscribe it to pending transactions too. */
  wantsPending(): boolean;
  /** A socket opened: pending transactions come through it from now on. */
  onOpen(): void;
  /** The upstream saw a new head. */
  /** A new head: its number and hash when the notification carried them well formed. */
  onHead(head: BlockId | undefined): void;
  /** The upstream saw a pending transaction. */
  onPending(hash: string): void;
  /** The open socket closed or failed. */
  onClosed(): void;
}

export class UpstreamSocket {
  private socket: WebSocket | undefined;
  private turn = 0;
  /** The socket that has been asked for pending transactions (once per socket). */
  private pendingSocket: WebSocket | undefined;

  constructor(
    private readonly env: Env,
    private readonly hooks: UpstreamSocketHooks,
  ) {}

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  /** Opens a socket to the next upstream of `chain` with the `ws` capability, if it has one. */
  async connect(chain: ChainConfig): Promise<void> {
    const able = chain.upstreams.filter((u) => u.capabilities.includes("ws"));
    const upstream = able[this.turn++ % Math.max(able.length, 1)];
    if (!upstream) return;
    const response = await fetch(upstream.url, {
      headers: { upgrade: "websocket" },
      // A redirect is a refusal, never followed (shared/http/egress.ts).
      redirect: "manual",
      signal: AbortSignal.timeout(settingsOf(this.env).upstreamTimeoutMs),
    });
    const ws = response.webSocket;
    if (!ws) throw new Error(`upstream ${upstream.id} refused the WebSocket (HTTP ${response.status})`);
    ws.accept();
    this.socket = ws;
    this.hooks.onOpen();
    ws.send(SUBSCRIBE_HEADS);
    if (this.hooks.wantsPending()) this.subscribePending(ws);
    ws.addEventListener("message", (event) => this.onMessage(event.data));
    const closed = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      this.hooks.onClosed();
    };
    ws.addEventListener("close", closed);
    ws.addEventListener("error", closed);
  }

  /** Asks the open socket for pending transactions; false when no socket is open. */
  subscribeToPending(): boolean {
    if (!this.socket) return false;
    this.subscribePending(this.socket);
    return true;
  }

  close(): void {
    this.socket?.close(1000, "no subscribers");
    this.socket = undefined;
  }

  private subscribePending(ws: WebSocket) {
    if (this.pendingSocket === ws) return;
    this.pendingSocket = ws;
    ws.send(SUBSCRIBE_PENDING);
  }

  private onMessage(data: unknown) {
    if (typeof data !== "string") return;
    let message: { method?: string; params?: { result?: unknown } };
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.method !== "eth_subscription") return;
    const result = message.params?.result;
    if (typeof result === "string") this.hooks.onPending(result);
    else this.hooks.onHead(blockIdOf(result));
  }
}

/** The number and hash of a newHeads notification's header, when both are well formed. */
function blockIdOf(header: unknown): BlockId | undefined {
  if (typeof header !== "object" || header === null) return undefined;
  const { number, hash } = header as { number?: unknown; hash?: unknown };
  if (typeof number !== "string" || !/^0x[0-9a-f]{1,16}$/i.test(number)) return undefined;
  if (typeof hash !== "string" || !/^0x[0-9a-f]{64}$/i.test(hash)) return undefined;
  return { number: Number(number), hash: hash.toLowerCase() };
}

// Client WebSockets for worker tests: opened through the gateway like a wallet would, every frame
// kept in order, the close code and reason, and JSON-RPC calls answered by id.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { BASE } from "./fixtures";

export interface Frame {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: Record<string, unknown> };
  params?: { subscription: string; seq?: number; result: { number?: string } };
}

export type Socket = Awaited<ReturnType<typeof openSocket>>;

/** A socket on `chain` with `key`; with STREAM_SHARDS 1 every socket of a chain shares one shard. */
export async function openSocket(chain: string, key: string) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${chain}/${key}`, { headers: { upgrade: "websocket" } }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket as WebSocket;
  const frames: Frame[] = [];
  let closedWith: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => {
      closedWith = { code: e.code, reason: e.reason };
      resolve(closedWith);
    }),
  );
  ws.addEventListener("message", (e) => void frames.push(JSON.parse(String(e.data)) as Frame));
  ws.accept();
  const until = async (match: (f: Frame) => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching frame; got ${JSON.stringify(frames.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let nextId = 1;
  /** Sends one call and waits for its answer. */
  const call = async (method: string, params: unknown[] = []) => {
    const id = nextId++;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return until((f) => f.id === id);
  };
  /** Block numbers of the newHeads notifications of `sub`, in the order they arrived. */
  const heads = (sub: string) =>
    frames.filter((f) => f.params?.subscription === sub).map((f) => Number(f.params?.result.number));
  return { ws, frames, closed, closedWith: () => closedWith, until, call, heads };
}

/** Subscribes `socket` to newHeads; the subscription id. */
export async function subscribeHeads(socket: Socket): Promise<string> {
  const answer = await socket.call("eth_subscribe", ["newHeads"]);
  expect(answer.error).toBeUndefined();
  return answer.result as string;
}

/** Waits until `socket` has received the head numbered `n` on `sub`. */
export function untilHead(socket: Socket, sub: string, n: number, ms = 10_000) {
  return socket.until((f) => f.params?.subscription === sub && Number(f.params.result.number) === n, ms);
}

/** `from`, `from + 1`, ... `to`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

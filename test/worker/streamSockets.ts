// Client WebSockets for worker tests: opened through the gateway like a wallet would, every frame
// kept in order, the close code and reason, and JSON-RPC calls answered by id.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { type StreamRegion, shardName, shardStub } from "../../shared/stream/placement";
import { BASE, transact } from "./fixtures";

export interface Frame {
  /** Set on a notification: eth_subscription, or the gateway's gateway_subscriptionEnded. */
  method?: string;
  /** null on the error of a frame refused as a whole (its key, its size, the rate). */
  id?: number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: Record<string, unknown> };
  params?: { subscription: string; seq?: number; result: { number?: string } };
}

export type Socket = ReturnType<typeof socketOf>;

/** The shard of `chain` in the tests' region (STREAM_REGION) that new sockets fill first. */
export function firstShard(chain: string) {
  return shardStub(env, shardName(chain, env.STREAM_REGION as StreamRegion, 0));
}

/** A socket on `chain` with `key`; below 1000 sockets every socket of a chain shares firstShard(chain). */
export async function openSocket(chain: string, key: string, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${chain}/${key}`, { headers: { upgrade: "websocket", ...headers } }),
  );
  return socketOf(res);
}

/** The client end of an accepted upgrade, its frames kept in order. */
export function socketOf(res: Response) {
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

/** The upgrade `key` gets on `chain`: its status and, when refused, the JSON-RPC error. */
export async function tryUpgrade(chain: string, key: string) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${chain}/${key}`, { headers: { upgrade: "websocket" } }),
  );
  if (res.status === 101) {
    (res.webSocket as WebSocket).accept();
    (res.webSocket as WebSocket).close();
    return { status: 101, error: undefined };
  }
  const body = (await res.json()) as { error?: Frame["error"] };
  return { status: res.status, error: body.error };
}

/**
 * Runtime code that emits as many logs as its calldata's first word says, each with no data and one
 * topic, the count left: for (n = calldataload(0); n != 0; n--) log1(0, 0, n).
 */
const EMITTER_RUNTIME = "6000355b80156016578060006000a1600190036003565b00";
/** Creation code: copies the runtime (0x18 bytes, after these 0x0c) into memory and returns it. */
const EMITTER_INIT = `0x6018600c60003960186000f3${EMITTER_RUNTIME}`;

/** Deploys a contract that emits logs on demand, on the shared anvil; its address. */
export async function deployEmitter(): Promise<string> {
  return (await transact({ data: EMITTER_INIT })) as string;
}

/** A 32-byte word holding `n`: the topic of the log emitted with `n` left, and the calldata asking for `n`. */
export const word = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** One transaction, so one block, in which `emitter` emits `n` logs, topics n down to 1. */
export async function emitLogs(emitter: string, n: number): Promise<void> {
  await transact({ to: emitter, data: word(n) });
}

// A test's WebSocket client for the gateway: sends JSON-RPC frames, keeps every frame received in
// order, and waits for the ones a test expects.
import { expect } from "vitest";

export interface Frame {
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: Record<string, unknown> };
  method?: string;
  params?: { subscription: string; seq?: number; result: Record<string, unknown> | string };
}

export interface TestSocket {
  ws: WebSocket;
  frames: Frame[];
  /** Sends a call and resolves with its answer. */
  call(method: string, params?: unknown[]): Promise<Frame>;
  /** Resolves with the first frame (from `from` on) that `match` accepts. */
  until(match: (f: Frame) => boolean, timeoutMs?: number, from?: number): Promise<Frame>;
  /** Notifications of one subscription, in the order received. */
  notifications(subscription: string): NonNullable<Frame["params"]>[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

let nextId = 1;

export async function openSocket(url: string): Promise<TestSocket> {
  const ws = new WebSocket(url.replace(/^http/, "ws"));
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    frames.push(JSON.parse(String(event.data)) as Frame);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed to open`)));
  });

  const until = (match: (f: Frame) => boolean, timeoutMs = 10_000, from = 0) =>
    new Promise<Frame>((resolve, reject) => {
      const check = () => {
        const found = frames.slice(from).find(match);
        if (!found) return false;
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`));
      }, timeoutMs);
      if (!check()) waiters.add(wake);
    });

  return {
    ws,
    frames,
    call(method, params = []) {
      const id = nextId++;
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      return until((f) => f.id === id);
    },
    until,
    notifications: (subscription) =>
      frames.flatMap((f) =>
        f.method === "eth_subscription" && f.params?.subscription === subscription ? [f.params] : [],
      ),
    closed,
    close: () => ws.close(),
  };
}

/** Subscribes and returns the subscription id, failing the test on an error answer. */
export async function subscribe(socket: TestSocket, params: unknown[]): Promise<string> {
  const answer = await socket.call("eth_subscribe", params);
  expect(answer.error).toBeUndefined();
  return answer.result as string;
}

/** The block numbers a newHeads subscription received, in order. */
export function headNumbers(socket: TestSocket, subscription: string): number[] {
  return socket.notifications(subscription).map((p) => Number((p.result as { number: string }).number));
}

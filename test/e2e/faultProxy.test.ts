// The fault-injecting proxy that later routing tests put in front of anvil: each fault, as a
// client of the proxy sees it, and the call counts it keeps; WebSockets passed through to anvil.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test, vi } from "vitest";
import { startFaultProxy } from "../../scripts/lib/faultProxy.mjs";

type Proxy = Awaited<ReturnType<typeof startFaultProxy>>;
let proxy: Proxy;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: inject("anvilUrl") });
});
afterAll(() => proxy.stop());
beforeEach(() => setFault({ mode: "ok" }));

async function setFault(fault: Record<string, unknown>) {
  const res = await fetch(`${proxy.controlUrl}/fault`, { method: "POST", body: JSON.stringify(fault) });
  expect(res.status).toBe(200);
}

const call = (method: string, params: unknown[] = [], signal?: AbortSignal) =>
  fetch(proxy.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }),
    signal,
  });

const direct = async (method: string, params: unknown[] = []) =>
  (
    (await (
      await fetch(inject("anvilUrl"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      })
    ).json()) as { result: string }
  ).result;

describe("fault proxy", () => {
  test("forwards unchanged and counts calls by method", async () => {
    await fetch(`${proxy.controlUrl}/reset`, { method: "POST" });
    expect(await (await call("eth_chainId")).json()).toEqual({ jsonrpc: "2.0", id: 7, result: "0x7a69" });
    await call("eth_blockNumber");
    const stats = await (await fetch(`${proxy.controlUrl}/stats`)).json();
    expect(stats).toMatchObject({ requests: 2, calls: 2, methods: { eth_chainId: 1, eth_blockNumber: 1 } });
  });

  test("refuses connections, then listens again", async () => {
    await setFault({ mode: "refuse" });
    await expect(call("eth_chainId")).rejects.toThrow();
    await setFault({ mode: "ok" });
    expect((await call("eth_chainId")).status).toBe(200);
  });

  test("hangs without answering", async () => {
    await setFault({ mode: "hang" });
    await expect(call("eth_chainId", [], AbortSignal.timeout(300))).rejects.toThrow();
  });

  test("adds latency", async () => {
    await setFault({ mode: "latency", ms: 300 });
    const started = Date.now();
    expect((await call("eth_chainId")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test.each([500, 503, 429])("answers HTTP %i", async (status) => {
    await setFault({ mode: "http", status });
    expect((await call("eth_chainId")).status).toBe(status);
  });

  test("answers JSON-RPC -32603", async () => {
    await setFault({ mode: "rpc_error" });
    expect(await (await call("eth_chainId")).json()).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32603, message: "internal error" },
    });
  });

  test("lags behind head: block number and `latest` reads come from an older block", async () => {
    await direct("evm_mine");
    await direct("evm_mine");
    await setFault({ mode: "lag", blocks: 2 });
    // anvil mines every second here, so the head may move between reads: bracket it.
    const before = Number(await direct("eth_blockNumber"));
    const seen = (await (await call("eth_blockNumber")).json()) as { result: string };
    const block = (await (await call("eth_getBlockByNumber", ["latest", false])).json()) as {
      result: { number: string };
    };
    const after = Number(await direct("eth_blockNumber"));
    for (const lagged of [Number(seen.result), Number(block.result.number)]) {
      expect(lagged).toBeGreaterThanOrEqual(before - 2);
      expect(lagged).toBeLessThanOrEqual(after - 2);
    }
  });

  test("a batch while lagging: only eth_blockNumber is rewritten, eth_chainId is the node's", async () => {
    await setFault({ mode: "lag", blocks: 2 });
    const res = await fetch(proxy.url, {
      method: "POST",
      body: '[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}]',
    });
    const [chainId, head] = (await res.json()) as { id: number; result: string }[];
    expect(chainId).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
    expect(Number(head?.result)).toBeLessThanOrEqual(Number(await direct("eth_blockNumber")) - 2);
  });

  test("hangs after passing the call on to the node", async () => {
    await setFault({ mode: "hang", forward: true });
    const address = `0x${"ab".repeat(20)}`;
    await expect(call("anvil_setBalance", [address, "0x2a"], AbortSignal.timeout(300))).rejects.toThrow();
    expect(await direct("eth_getBalance", [address, "latest"])).toBe("0x2a");
  });

  test("answers empty, except for the chain id and head", async () => {
    await setFault({ mode: "empty" });
    expect(await (await call("eth_getBlockByNumber", ["0x1", false])).json()).toMatchObject({ result: null });
    expect(await (await call("eth_getLogs", [{}])).json()).toMatchObject({ result: [] });
    expect(await (await call("eth_chainId")).json()).toMatchObject({ result: "0x7a69" });
  });

  test("reports another chain id", async () => {
    await setFault({ mode: "chain_id", chainId: 1 });
    expect(await (await call("eth_chainId")).json()).toMatchObject({ result: "0x1" });
  });

  test("answers like geth to a method not allowed, in a batch too, and passes allowed ones on", async () => {
    await setFault({ mode: "unknown_method", allow: ["eth_chainId"] });
    const single = await call("x_upstream");
    expect(single.status).toBe(200);
    expect(await single.json()).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32601, message: "the method x_upstream does not exist/is not available" },
    });
    const res = await fetch(proxy.url, {
      method: "POST",
      body: '[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"eth_blockNumber"}]',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { jsonrpc: "2.0", id: 1, result: "0x7a69" },
      {
        jsonrpc: "2.0",
        id: 2,
        error: { code: -32601, message: "the method eth_blockNumber does not exist/is not available" },
      },
    ]);
    // Without an allowlist, the eth_, net_ and web3_ namespaces pass.
    await setFault({ mode: "unknown_method" });
    expect(await (await call("net_version")).json()).toMatchObject({ result: "31337" });
    expect(await (await call("connection unavailable")).json()).toMatchObject({
      error: { code: -32601, message: "the method connection unavailable does not exist/is not available" },
    });
  });

  test("flaps between answering and HTTP 503", async () => {
    await setFault({ mode: "flap", ms: 1000 });
    expect((await call("eth_chainId")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call("eth_chainId")).status).toBe(503);
  });
});

interface Message {
  id?: number;
  method?: string;
  result?: unknown;
  params?: { subscription: string; result: { number: string } };
}

/** Rejects if `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const opened: WebSocket[] = [];
const wsUrl = () => proxy.url.replace(/^http/, "ws");

/** A WebSocket to anvil through the proxy, once open, with its messages kept for `next`. */
async function connectWs() {
  const ws = new WebSocket(wsUrl());
  opened.push(ws);
  const received: Message[] = [];
  const waiters = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    received.push(JSON.parse(String(event.data)) as Message);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  await within(
    new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve);
      ws.addEventListener("error", () => reject(new Error("the WebSocket did not open")));
    }),
    "open",
  );
  /** The first message, received or to come, that `match`es. */
  const next = (match: (m: Message) => boolean, what = "a message") =>
    within(
      new Promise<Message>((resolve) => {
        const look = () => {
          const i = received.findIndex(match);
          if (i < 0) return;
          waiters.delete(look);
          resolve(received.splice(i, 1)[0] as Message);
        };
        waiters.add(look);
        look();
      }),
      what,
    );
  let ids = 0;
  const request = (method: string, params: unknown[] = []) => {
    const id = ++ids;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return next((m) => m.id === id, method);
  };
  return { ws, closed: within(closed, "close"), next, request };
}

const control = async (path: string, method = "POST") =>
  (await fetch(`${proxy.controlUrl}${path}`, { method })).json() as Promise<Record<string, unknown>>;

describe("fault proxy, WebSockets", () => {
  afterEach(async () => {
    for (const ws of opened.splice(0)) ws.close();
    await control("/drop");
  });

  test("passes a WebSocket through: eth_subscribe newHeads, notified after evm_mine", async () => {
    const socket = await connectWs();
    const { result: subscription } = await socket.request("eth_subscribe", ["newHeads"]);
    expect(subscription).toMatch(/^0x[0-9a-f]+$/);
    expect((await call("evm_mine")).status).toBe(200);
    // anvil also mines every second: wait for the mined block or a later one.
    const mined = Number(await direct("eth_blockNumber"));
    const note = await socket.next(
      (m) =>
        m.method === "eth_subscription" &&
        m.params?.subscription === subscription &&
        Number(m.params?.result.number) >= mined,
      "newHeads notification",
    );
    expect(note.params?.result.number).toMatch(/^0x[0-9a-f]+$/);
  });

  test("/drop closes open WebSockets, and a new one then works", async () => {
    const socket = await connectWs();
    expect(await socket.request("eth_chainId")).toMatchObject({ result: "0x7a69" });
    expect(await control("/drop")).toEqual({ dropped: 1 });
    await socket.closed;
    const again = await connectWs();
    expect(await again.request("eth_chainId")).toMatchObject({ result: "0x7a69" });
  });

  test("counts WebSocket connections since reset and the open ones", async () => {
    await control("/reset");
    const [first] = await Promise.all([connectWs(), connectWs()]);
    expect((await control("/stats", "GET")).ws).toEqual({ connections: 2, open: 2 });
    first?.ws.close();
    await first?.closed;
    await vi.waitFor(async () =>
      expect((await control("/stats", "GET")).ws).toEqual({ connections: 2, open: 1 }),
    );
    await control("/reset");
    expect((await control("/stats", "GET")).ws).toEqual({ connections: 0, open: 1 });
  });

  test("refuse closes open WebSockets and refuses new ones", async () => {
    const socket = await connectWs();
    await setFault({ mode: "refuse" });
    await socket.closed;
    await expect(connectWs()).rejects.toThrow();
    await setFault({ mode: "ok" });
    expect(await (await connectWs()).request("eth_chainId")).toMatchObject({ result: "0x7a69" });
  });

  test("hang: new upgrades are never answered, open WebSockets carry on", async () => {
    const socket = await connectWs();
    await setFault({ mode: "hang" });
    await expect(within(connectWs(), "open", 300)).rejects.toThrow(/nothing within/);
    expect(await socket.request("eth_chainId")).toMatchObject({ result: "0x7a69" });
  });

  test("HTTP-level faults leave WebSockets alone", async () => {
    await setFault({ mode: "http", status: 503 });
    expect((await call("eth_chainId")).status).toBe(503);
    const socket = await connectWs();
    expect(await socket.request("eth_chainId")).toMatchObject({ result: "0x7a69" });
  });
});

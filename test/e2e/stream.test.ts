// WebSocket subscriptions through the gateway, against an anvil of this file's own (it mines only when
// told, and reorgs) behind two fault proxies that pass WebSockets on and can drop or refuse them.
// Each test gets a fresh chain, so a fresh feed.
import { createPublicClient, keccak256, parseAbi, toHex, webSocket } from "viem";
import { foundry } from "viem/chains";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startAnvil } from "../../scripts/lib/anvil.mjs";
import { startFaultProxy } from "../../scripts/lib/faultProxy.mjs";
import {
  admin,
  callNode,
  type FaultProxy,
  type RoutedChain,
  routedChain,
  rpc,
  setFault,
  sleep,
  statsOf,
} from "./routing/harness";
import { headNumbers, openSocket, subscribe, type TestSocket } from "./stream/socket";
import { upgradeAnswer } from "./stream/upgrade.mjs";

const ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const PING = "event Ping(uint256 value)";
const PING_TOPIC = keccak256(toHex("Ping(uint256)"));
/** Runtime: log1(calldata word 0, topic Ping). Init code copies it out and returns it. */
const PING_CONTRACT = `0x602d80600b6000396000f36000356000527f${PING_TOPIC.slice(2)}60206000a100`;

let node: Awaited<ReturnType<typeof startAnvil>>;
/** This test's two upstreams: fresh ones, so no other test's feed holds sockets through them. */
let proxies: FaultProxy[] = [];
let chain: RoutedChain;
const sockets: TestSocket[] = [];

const nodeCall = (method: string, params: unknown[] = []) => callNode(node.url, method, params);

const mine = () => nodeCall("evm_mine");
const head = async () => Number(await nodeCall("eth_blockNumber"));

async function deployPing(): Promise<string> {
  const tx = await nodeCall("eth_sendTransaction", [{ from: ACCOUNT_0, data: PING_CONTRACT }]);
  for (;;) {
    const receipt = (await nodeCall("eth_getTransactionReceipt", [tx])) as { contractAddress: string } | null;
    if (receipt) return receipt.contractAddress;
    await sleep(20);
  }
}

/** Sends a transaction that makes `contract` log Ping(value); anvil mines it into its own block. */
const ping = (contract: string, value: number) =>
  nodeCall("eth_sendTransaction", [{ from: ACCOUNT_0, to: contract, data: toHex(value, { size: 32 }) }]);

async function open(url = chain.url): Promise<TestSocket> {
  const socket = await openSocket(url);
  sockets.push(socket);
  return socket;
}

/** Mines `n` blocks one at a time, each after the socket has the previous one. */
async function mineSeen(socket: TestSocket, subscription: string, n: number) {
  for (let i = 0; i < n; i++) {
    await mine();
    const number = await head();
    await socket.until(
      (f) =>
        f.params?.subscription === subscription &&
        Number((f.params.result as { number: string }).number) === number,
    );
  }
}

const consecutive = (numbers: number[]) =>
  numbers.every((n, i) => i === 0 || n === (numbers[i - 1] as number) + 1);

beforeAll(async () => {
  node = await startAnvil({ blockTime: 0 });
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await node.stop();
});
beforeEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  // The last test's feed stops following once its chain is disabled.
  if (chain) await admin("PATCH", `/chains/${chain.slug}`, { enabled: false });
  await Promise.all(proxies.map((p) => p.stop()));
  proxies = await Promise.all([0, 1].map(() => startFaultProxy({ target: node.url })));
  chain = await routedChain(proxies, { blockTimeMs: 1_000 }, { capabilities: ["ws"] });
});

describe("viem's webSocket transport through the gateway", () => {
  test("watchBlocks sees every block mined, consecutively", async () => {
    const client = createPublicClient({
      chain: foundry,
      transport: webSocket(chain.url.replace(/^http/, "ws")),
    });
    const seen: number[] = [];
    const unwatch = client.watchBlocks({ onBlock: (block) => void seen.push(Number(block.number)) });
    try {
      // The subscription is live once a block mined now arrives; on a loaded machine 300 ms was not always enough.
      await mine();
      const live = await head();
      const until0 = Date.now() + 5_000;
      while (!seen.includes(live) && Date.now() < until0) await sleep(20);
      const from = await head();
      for (let i = 0; i < 5; i++) {
        await mine();
        await sleep(50);
      }
      const until = Date.now() + 5_000;
      while (!seen.includes(from + 5) && Date.now() < until) await sleep(20);
      const mined = seen.filter((n) => n > from);
      expect(mined).toEqual([from + 1, from + 2, from + 3, from + 4, from + 5]);
      expect(consecutive(seen)).toBe(true);
    } finally {
      unwatch();
      await (await client.transport.getRpcClient()).close();
    }
  });

  test("watchContractEvent sees every event of a contract the test deployed", async () => {
    const contract = await deployPing();
    const client = createPublicClient({
      chain: foundry,
      transport: webSocket(chain.url.replace(/^http/, "ws")),
    });
    const values: bigint[] = [];
    const unwatch = client.watchContractEvent({
      address: contract as `0x${string}`,
      abi: parseAbi([PING]),
      eventName: "Ping",
      onLogs: (logs) => {
        for (const log of logs) values.push(log.args.value as bigint);
      },
    });
    try {
      await sleep(300);
      for (let v = 1; v <= 6; v++) await ping(contract, v);
      const until = Date.now() + 5_000;
      while (values.length < 6 && Date.now() < until) await sleep(20);
      expect(values).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    } finally {
      unwatch();
      await (await client.transport.getRpcClient()).close();
    }
  });

  test("getBlockNumber over the socket is anvil's head", async () => {
    const client = createPublicClient({
      chain: foundry,
      transport: webSocket(chain.url.replace(/^http/, "ws")),
    });
    try {
      await mine();
      expect(Number(await client.getBlockNumber({ cacheTime: 0 }))).toBe(await head());
    } finally {
      await (await client.transport.getRpcClient()).close();
    }
  });
});

describe("no block is skipped or repeated", () => {
  test("across a drop of the upstream socket: every block once, in order", async () => {
    const socket = await open();
    const sub = await subscribe(socket, ["newHeads"]);
    await mineSeen(socket, sub, 3);
    for (const proxy of proxies) await fetch(`${proxy.controlUrl}/drop`, { method: "POST" });
    // Mined while the feed has no socket: found by polling, or by the backfill after reconnecting.
    await mine();
    await mine();
    await mineSeen(socket, sub, 3);
    const numbers = headNumbers(socket, sub);
    expect(consecutive(numbers)).toBe(true);
    expect(numbers.at(-1)).toBe(await head());
    expect(numbers.length).toBe(new Set(numbers).size);
    const after = await Promise.all(proxies.map(statsOf));
    // The feed reconnected: one socket open again, two made in all.
    expect(after.reduce((n, s) => n + s.ws.open, 0)).toBe(1);
    expect(after.reduce((n, s) => n + s.ws.connections, 0)).toBeGreaterThanOrEqual(2);
  });

  test("when the active upstream dies the feed moves to the other one and the client notices nothing", async () => {
    const socket = await open();
    const sub = await subscribe(socket, ["newHeads"]);
    await mineSeen(socket, sub, 2);
    const stats = await Promise.all(proxies.map(statsOf));
    const active = stats.findIndex((s) => s.ws.open === 1);
    expect(active).toBeGreaterThanOrEqual(0);
    await setFault(proxies[active] as FaultProxy, { mode: "refuse" });
    await mine();
    await mineSeen(socket, sub, 4);
    const numbers = headNumbers(socket, sub);
    expect(consecutive(numbers)).toBe(true);
    expect(numbers.length).toBe(new Set(numbers).size);
    expect(socket.frames.some((f) => f.error)).toBe(false);
    const other = await statsOf(proxies[1 - active] as FaultProxy);
    expect(other.ws.open).toBe(1);
  });
});

describe("reorgs", () => {
  test("logs of an orphaned block are sent again with removed: true, then the new branch", async () => {
    const contract = await deployPing();
    const socket = await open();
    const logs = await subscribe(socket, ["logs", { address: contract, topics: [PING_TOPIC] }]);
    const heads = await subscribe(socket, ["newHeads"]);
    await ping(contract, 7);
    const first = await socket.until((f) => f.params?.subscription === logs);
    const log = first.params?.result as { blockHash: string; blockNumber: string; removed: boolean };
    expect(log.removed).toBe(false);

    await nodeCall("anvil_reorg", [1, []]);
    await mine();
    const removed = await socket.until(
      (f) => f.params?.subscription === logs && (f.params.result as { removed: boolean }).removed,
    );
    expect(removed.params?.result).toMatchObject({ blockHash: log.blockHash, removed: true });
    const replaced = await head();
    await socket.until(
      (f) =>
        f.params?.subscription === heads &&
        Number((f.params.result as { number: string }).number) === replaced,
    );
    const headsSeen = socket.notifications(heads).map((p) => p.result as { number: string; hash: string });
    const reorged = headsSeen.filter((h) => h.number === log.blockNumber);
    // The orphaned block, then its replacement at the same height.
    expect(reorged.length).toBe(2);
    expect(reorged[0]?.hash).toBe(log.blockHash);
    expect(reorged[1]?.hash).not.toBe(log.blockHash);
    // Sequence numbers only grow.
    const seqs = socket.frames.flatMap((f) => (f.params?.seq ? [f.params.seq] : []));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});

describe("resume", () => {
  test("a client that reconnects with resumeAfter gets the blocks it missed, then live ones", async () => {
    const first = await open();
    const sub = await subscribe(first, ["newHeads"]);
    await mineSeen(first, sub, 2);
    const last = first.notifications(sub).at(-1) as unknown as { seq: number; result: { number: string } };
    const lastNumber = Number(last.result.number);
    first.close();
    await first.closed;
    for (let i = 0; i < 3; i++) await mine();

    const second = await open();
    const resumed = await subscribe(second, ["newHeads", { resumeAfter: last.seq }]);
    await second.until(
      (f) =>
        f.params?.subscription === resumed &&
        Number((f.params.result as { number: string }).number) === lastNumber + 3,
    );
    await mineSeen(second, resumed, 1);
    expect(headNumbers(second, resumed)).toEqual([
      lastNumber + 1,
      lastNumber + 2,
      lastNumber + 3,
      lastNumber + 4,
    ]);
  });

  test("a resume point outside the replay buffer is refused with the range that is there", async () => {
    const socket = await open();
    const sub = await subscribe(socket, ["newHeads"]);
    await mineSeen(socket, sub, 1);
    const answer = await socket.call("eth_subscribe", ["newHeads", { resumeAfter: 1_000_000 }]);
    expect(answer.error?.code).toBe(-32602);
    expect(answer.error?.data?.code).toBe("resume_unavailable");
    expect(answer.error?.message).toMatch(/not in the replay buffer/);
    // The connection stays usable.
    expect((await socket.call("eth_chainId")).result).toBe("0x7a69");
  });
});

describe("newPendingTransactions", () => {
  const send = () => nodeCall("eth_sendTransaction", [{ from: ACCOUNT_0, to: ACCOUNT_0, value: "0x1" }]);
  const hashesOf = (socket: TestSocket, id: string) => socket.notifications(id).map((p) => p.result);

  /** Sends transactions until the subscription has one (the feed sets up its source), then 3 more. */
  async function threeAfterWarmUp(socket: TestSocket, id: string) {
    for (let i = 0; hashesOf(socket, id).length === 0; i++) {
      if (i === 20) throw new Error("no pending transaction arrived after 20 sent");
      await send();
      await sleep(250);
    }
    const from = hashesOf(socket, id).length;
    const sent = [await send(), await send(), await send()];
    await socket.until((f) => f.params?.subscription === id && f.params.result === sent[2]);
    return { sent, got: hashesOf(socket, id).slice(from) };
  }

  test("through the upstream's socket: each transaction's hash once, in the order sent", async () => {
    const socket = await open();
    const id = await subscribe(socket, ["newPendingTransactions"]);
    const { sent, got } = await threeAfterWarmUp(socket, id);
    expect(got).toEqual(sent);
    const stats = await Promise.all(proxies.map(statsOf));
    expect(stats.reduce((n, s) => n + s.ws.open, 0)).toBe(1);

    // Leave and come back on the same upstream socket: still each hash once.
    expect((await socket.call("eth_unsubscribe", [id])).result).toBe(true);
    const again = await subscribe(socket, ["newPendingTransactions"]);
    const next = await threeAfterWarmUp(socket, again);
    expect(next.got).toEqual(next.sent);
    expect(new Set(hashesOf(socket, again)).size).toBe(hashesOf(socket, again).length);
  });

  test("with no WebSocket upstream, through a polled filter, from the moment the subscription is answered", async () => {
    const plain = await routedChain(proxies, { blockTimeMs: 1_000 });
    try {
      const socket = await open(plain.url);
      const id = await subscribe(socket, ["newPendingTransactions"]);
      const sent = [await send(), await send(), await send()];
      await socket.until((f) => f.params?.subscription === id && f.params.result === sent[2]);
      expect(hashesOf(socket, id)).toEqual(sent);
      const stats = await Promise.all(proxies.map(statsOf));
      expect(stats.reduce((n, s) => n + s.ws.connections, 0)).toBe(0);
      expect(stats.reduce((n, s) => n + (s.methods.eth_newPendingTransactionFilter ?? 0), 0)).toBe(1);
    } finally {
      await admin("PATCH", `/chains/${plain.slug}`, { enabled: false });
    }
  });
});

describe("bad input gets a JSON-RPC error and the connection stays usable", () => {
  const cases: [string, (s: TestSocket) => unknown, number, RegExp][] = [
    ["a binary frame", (s) => s.ws.send(new Uint8Array([1, 2, 3])), -32600, /binary frames/],
    ["a frame that is not JSON", (s) => s.ws.send("{nope"), -32700, /not valid JSON/],
    [
      "an unknown subscription",
      (s) => s.call("eth_subscribe", ["newBlocks"]),
      -32602,
      /unknown subscription "newBlocks"/,
    ],
    [
      "a malformed logs filter",
      (s) => s.call("eth_subscribe", ["logs", { address: "0x12" }]),
      -32602,
      /address is not a 20-byte hex string/,
    ],
    [
      "unsubscribing an unknown id",
      (s) => s.call("eth_unsubscribe", ["0xdead"]),
      -32602,
      /no subscription 0xdead/,
    ],
  ];
  test.each(cases)("%s", async (_name, send, code, message) => {
    const socket = await open();
    const from = socket.frames.length;
    void send(socket);
    const error = await socket.until((f) => f.error !== undefined, 5_000, from);
    expect(error.error?.code).toBe(code);
    expect(error.error?.message).toMatch(message);
    expect((await socket.call("eth_chainId")).result).toBe("0x7a69");
  });

  test("eth_subscribe over HTTP says to use a WebSocket", async () => {
    const answer = await rpc(chain, "eth_subscribe", ["newHeads"]);
    expect(answer.body.error?.code).toBe(-32601);
    expect(answer.body.error?.message).toMatch(/needs a WebSocket/);
  });
});

describe("plan limits", () => {
  async function keyWith(plan: Record<string, number>): Promise<string> {
    const name = `ws-limits-${Date.now()}-${Math.random()}`;
    const { id: planId } = await admin<{ id: string }>("POST", "/plans", { name, ...plan });
    const { id: tenantId } = await admin<{ id: string }>("POST", "/tenants", { name, planId });
    const { key } = await admin<{ key: string }>("POST", `/tenants/${tenantId}/keys`, { name });
    return chain.url.replace(/[^/]+$/, key);
  }

  test("subscriptions per connection", async () => {
    const socket = await open(await keyWith({ wsMaxSubscriptions: 2 }));
    await subscribe(socket, ["newHeads"]);
    await subscribe(socket, ["logs", {}]);
    const third = await socket.call("eth_subscribe", ["newHeads"]);
    expect(third.error?.data?.code).toBe("stream_limit_exceeded");
    expect(third.error?.message).toMatch(/2 subscriptions per WebSocket/);
  });

  test("frame size", async () => {
    const socket = await open(await keyWith({ wsMaxMessageBytes: 1024 }));
    socket.ws.send(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: ["x".repeat(2000)] }),
    );
    const error = await socket.until((f) => f.error !== undefined);
    expect(error.error?.data?.code).toBe("stream_limit_exceeded");
    expect(error.error?.message).toMatch(/limit of 1024/);
    expect((await socket.call("eth_chainId")).result).toBe("0x7a69");
  });

  test("connections per tenant: one over the limit is refused at the upgrade, and a close frees a place", async () => {
    const url = await keyWith({ wsMaxConnections: 1 });
    const first = await open(url);
    await expect(openSocket(url)).rejects.toThrow(/failed to open/);
    const upgrade = await upgradeAnswer(url);
    expect(upgrade.status).toBe(429);
    expect(JSON.parse(upgrade.body).error.message).toMatch(/allows 1 open WebSockets per tenant/);
    first.close();
    await first.closed;
    await sleep(200);
    const again = await open(url);
    expect((await again.call("eth_chainId")).result).toBe("0x7a69");
  });
});

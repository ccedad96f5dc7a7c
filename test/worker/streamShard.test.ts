// A fan-out shard's sockets and subscriptions survive its eviction (hibernation): the shard wakes
// for the next block with every subscription it had, read back from its storage. Each notification
// is charged to the tenant as usage.
import { evictDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, test } from "vitest";
import { anvil, BASE, type Fixture, fixture, usageOf } from "./fixtures";
import { firstShard } from "./streamSockets";

interface Frame {
  id?: number;
  result?: unknown;
  params?: { subscription: string; result: { number: string } };
}

function collect(ws: WebSocket) {
  const frames: Frame[] = [];
  ws.addEventListener("message", (e) => void frames.push(JSON.parse(String(e.data)) as Frame));
  const until = async (match: (f: Frame) => boolean) => {
    const end = Date.now() + 10_000;
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no matching frame; got ${JSON.stringify(frames.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { frames, until };
}

async function connect(f: Fixture) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${f.chain}/${f.key}`, { headers: { upgrade: "websocket" } }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket as WebSocket;
  ws.accept();
  return { ws, ...collect(ws) };
}

test("an evicted shard keeps its subscriptions: the next block reaches the same subscription", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const { ws, until } = await connect(f);
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  const sub = (await until((f) => f.id === 1)).result as string;
  const isHead = (number: string) => (f: Frame) =>
    f.params?.subscription === sub && Number(f.params.result.number) === Number(number);

  await anvil("evm_mine");
  await until(isHead(await anvil("eth_blockNumber")));

  await evictDurableObject(firstShard(f.chain));

  await anvil("evm_mine");
  await until(isHead(await anvil("eth_blockNumber")));
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_unsubscribe", params: [sub] }));
  expect((await until((f) => f.id === 2)).result).toBe(true);
  ws.close();
});

test("each notification is charged to the tenant: 10 CU, family subscribe, one request each", async () => {
  const f = await fixture({ capabilities: ["ws"] });
  const { ws, frames, until } = await connect(f);
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  const sub = (await until((f) => f.id === 1)).result as string;
  for (let i = 0; i < 3; i++) {
    await anvil("evm_mine");
    const number = await anvil("eth_blockNumber");
    await until((f) => f.params?.subscription === sub && Number(f.params.result.number) === Number(number));
  }
  ws.close();
  const received = frames.filter((f) => f.params?.subscription === sub).length;
  expect(received).toBeGreaterThanOrEqual(3);

  const usage = await usageOf(f);
  const subscribe = usage.rows.filter((r) => r.family === "subscribe");
  // The eth_subscribe call (10 CU, same family) and one row's worth per notification received.
  expect(subscribe).toEqual([
    expect.objectContaining({ chain: f.chain, requests: received + 1, cu: (received + 1) * 10 }),
  ]);
});

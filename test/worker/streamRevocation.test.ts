// Open WebSockets re-check their key (the shard's alarm, run here at once instead of after 30 s):
// a revoked key's or a suspended tenant's socket is closed with 4001; another tenant's socket on the
// same shard keeps its subscription and is still answered.
import { runDurableObjectAlarm } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, test } from "vitest";
import { admin, anvil, BASE, type Fixture, fixture } from "./fixtures";
import { firstShard } from "./streamSockets";

interface Frame {
  id?: number;
  result?: unknown;
  params?: { subscription: string; result: { number: string } };
}

/** A socket with `as`'s key on `on`'s chain; every socket of a chain shares firstShard(chain) (below 1000). */
async function open(on: Fixture, as: Fixture) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/${on.chain}/${as.key}`, { headers: { upgrade: "websocket" } }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket as WebSocket;
  const frames: Frame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  ws.addEventListener("message", (e) => void frames.push(JSON.parse(String(e.data)) as Frame));
  ws.accept();
  const until = async (match: (f: Frame) => boolean) => {
    const end = Date.now() + 10_000;
    while (!frames.some(match)) {
      if (Date.now() > end) throw new Error(`no matching frame; got ${JSON.stringify(frames.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return frames.find(match) as Frame;
  };
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
  const sub = (await until((f) => f.id === 1)).result as string;
  return { ws, sub, frames, closed, until };
}

async function checkKeys(f: Fixture) {
  expect(await runDurableObjectAlarm(firstShard(f.chain))).toBe(true);
}

test.each([
  ["a revoked key", (f: Fixture) => admin("DELETE", `/keys/${f.keyId}`)],
  ["a suspended tenant", (f: Fixture) => admin("PATCH", `/tenants/${f.tenantId}`, { status: "suspended" })],
])(
  "%s: its socket is closed with 4001 at the next key check; the other tenant's is served",
  async (_, revoke) => {
    const [attacker, victim] = await Promise.all([fixture({ capabilities: ["ws"] }), fixture()]);
    const bad = await open(attacker, attacker);
    const good = await open(attacker, victim);
    await checkKeys(attacker);
    await revoke(attacker);
    await checkKeys(attacker);
    expect(await bad.closed).toEqual({ code: 4001, reason: "API key revoked or invalid" });

    await anvil("evm_mine");
    const head = Number(await anvil("eth_blockNumber"));
    await good.until((f) => f.params?.subscription === good.sub && Number(f.params.result.number) === head);
    expect(bad.frames.some((f) => f.params && Number(f.params.result.number) === head)).toBe(false);
    good.ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_chainId" }));
    expect((await good.until((f) => f.id === 2)).result).toBe("0x7a69");
    good.ws.close();
  },
);

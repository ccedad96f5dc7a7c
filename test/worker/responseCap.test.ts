// An upstream answer over the chain's byte cap fails that call with an error that says so; it does
// not count against the node, and other calls and other tenants are served.
import { beforeAll, expect, test } from "vitest";
import { admin, call, type Fixture, fixture, rpc } from "./fixtures";

const body = (method: string, params: unknown[] = []) =>
  JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
const BLOCK_0 = body("eth_getBlockByNumber", ["0x0", false]);

interface Reply {
  result?: unknown;
  error?: { code: number; message: string; data: Record<string, unknown> };
}

let capped: Fixture;
let victim: Fixture;

beforeAll(async () => {
  [capped, victim] = await Promise.all([fixture(), fixture()]);
  await admin("PATCH", `/chains/${capped.chain}`, { maxResponseBytes: 300 });
});

test("an answer over the cap is an error naming the limit; small answers pass; the node stays healthy", async () => {
  for (let i = 0; i < 5; i++) {
    const res = await rpc(capped, BLOCK_0, { "cache-control": "no-cache" });
    expect(res.status).toBe(200);
    expect(await res.json<Reply>()).toMatchObject({
      error: {
        code: -32602,
        message:
          "the upstream's answer is over this chain's limit of 300 bytes: ask for less (a narrower range, fewer transactions, a smaller trace)",
        data: { code: "response_too_large", limit: "response_bytes", max: 300 },
      },
    });
  }
  expect((await (await rpc(capped, body("eth_chainId"))).json<Reply>()).result).toBe("0x7a69");
  const health = await call(`/v1/${capped.chain}/health`, { headers: { "x-api-key": capped.key } });
  expect(await health.json()).toMatchObject({
    upstreams: [{ id: capped.upstreamId, state: "healthy", errorRate: 0, circuit: "closed" }],
  });
});

test("another tenant's chain, with the default cap of 32 MiB, gets the same block", async () => {
  const res = await rpc(victim, BLOCK_0);
  expect((await res.json<Reply>()).result).toMatchObject({ number: "0x0" });
});

test("the cap is an admin setting between 256 bytes and 64 MiB", async () => {
  await expect(admin("PATCH", `/chains/${victim.chain}`, { maxResponseBytes: 10 })).rejects.toThrow(/400/);
  await expect(admin("PATCH", `/chains/${victim.chain}`, { maxResponseBytes: 2 ** 30 })).rejects.toThrow(
    /400/,
  );
});

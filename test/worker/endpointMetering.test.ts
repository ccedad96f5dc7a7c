// The authenticated endpoints other than JSON-RPC (usage, prices, validators, health) are metered
// like a call: each charges its fixed CU (shared/metering/computeUnits.ts), seen in x-ratelimit-*
// and in the tenant's usage; a tenant over its rate gets the same 429 as for JSON-RPC, while
// another tenant is served.
import { beforeAll, describe, expect, test } from "vitest";
import { call, type Fixture, fixture, rpc, usageOf } from "./fixtures";

/** Each endpoint for a fixture: how it is called, what it answers, and what it costs. */
const endpoints = (f: Fixture) => [
  { path: "/v1/usage", status: 200, cu: 10 },
  { path: "/v1/prices", status: 200, cu: 10 },
  { path: "/v1/prices/NOPE-USD", status: 404, cu: 10 },
  { path: "/v1/validators/no-such-network", status: 404, cu: 20 },
  { path: `/v1/${f.chain}/${f.key}/health`, status: 200, cu: 5 },
  { path: `/v1/${f.chain}/health`, status: 200, cu: 5 },
];

const get = (f: Fixture, path: string) => call(path, { headers: { "x-api-key": f.key } });

describe("each endpoint charges its fixed CU", () => {
  let f: Fixture;
  beforeAll(async () => {
    // 1 CU per second refills too slowly to blur what each request takes from the burst.
    f = await fixture({ plan: { cuPerSecond: 1, burstCu: 1_000 } });
  });

  test("in x-ratelimit-remaining, request by request, and in /v1/usage under the endpoint's family", async () => {
    let remaining = 1_000;
    for (const { path, status, cu } of endpoints(f)) {
      const res = await get(f, path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("x-ratelimit-limit")).toBe("1");
      const now = Number(res.headers.get("x-ratelimit-remaining"));
      // What it cost, less at most the 1 CU refilled meanwhile.
      expect(remaining - now, path).toBeGreaterThanOrEqual(cu - 1);
      expect(remaining - now, path).toBeLessThanOrEqual(cu);
      remaining = now;
    }
    const usage = await usageOf(f);
    const rows = usage.rows.map(({ chain, family, requests, cu, errors }) => ({
      chain,
      family,
      requests,
      cu,
      errors,
    }));
    expect(rows).toEqual([
      { chain: "", family: "prices", requests: 2, cu: 20, errors: 1 },
      { chain: "", family: "usage", requests: 1, cu: 10, errors: 0 },
      { chain: "", family: "validators", requests: 1, cu: 20, errors: 1 },
      { chain: f.chain, family: "health", requests: 2, cu: 10, errors: 0 },
    ]);
    expect(usage.totals).toEqual({ requests: 6, cu: 60, errors: 2 });
    expect(usage).toMatchObject({ month: { cu: 60 } });
  });
});

test("a tenant over its rate gets 429 with Retry-After from every endpoint, as for JSON-RPC; another tenant is served", async () => {
  const [tiny, other] = await Promise.all([fixture({ plan: { cuPerSecond: 1, burstCu: 20 } }), fixture()]);
  // The burst of 20 CU holds one validators request (20 CU), then nothing for 10 s.
  expect((await get(tiny, "/v1/validators/no-such-network")).status).toBe(404);
  const refusals = [];
  for (const { path } of endpoints(tiny)) refusals.push({ path, res: await get(tiny, path) });
  refusals.push({
    path: "JSON-RPC",
    res: await rpc(tiny, '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'),
  });
  for (const { path, res } of refusals) {
    expect(res.status, path).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter, path).toBeGreaterThanOrEqual(5);
    expect(retryAfter, path).toBeLessThanOrEqual(10);
    expect(res.headers.get("x-ratelimit-remaining"), path).toBe("0");
    expect(await res.json(), path).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32005,
        message: `rate limit exceeded: this plan allows 1 CU per second; retry in ${retryAfter} s`,
        data: { code: "limit_exceeded", limit: "rate", cuPerSecond: 1, retryAfter },
      },
    });
  }
  for (const { path, status } of endpoints(other)) expect((await get(other, path)).status, path).toBe(status);
});

// A tenant JWT's cuPerSecond claim, metered inside workerd with the real tenant meter (Durable
// Object) and anvil: the token is refused with token_rate once its own bucket (per key and `sub`)
// is spent, while the plan's rate is far from reached; the key without a token and another subject
// are still served; a claim above the key's own cap does not widen it.
import { describe, expect, test } from "vitest";
import { admin, type Fixture, fixture, rpc } from "./fixtures";
import { register, token } from "./jwtSigners";

const BLOCK_NUMBER = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}';
/** What eth_blockNumber costs (shared/metering/computeUnits.ts); eth_chainId costs 0 and is never refused. */
const CU = 10;
/** One lease of slack: a lease is max(cost, a tenth of a second of the rate) (shared/metering/lease.ts). */
const LEASE_SLACK_CU = CU;

interface Refusal {
  status: number;
  headers: Headers;
  body: { error?: { code: number; message: string; data: Record<string, unknown> } };
}

interface Tally {
  admitted: number;
  refused: Refusal[];
  other: string[];
  limits: Set<string | null>;
}

/** Sends `calls` eth_blockNumber one after another (with `jwt` when given), counting 200s and 429s. */
async function burst(f: Fixture, calls: number, jwt?: string): Promise<Tally> {
  const tally: Tally = { admitted: 0, refused: [], other: [], limits: new Set() };
  const headers: Record<string, string> = jwt ? { authorization: `Bearer ${jwt}` } : {};
  for (let i = 0; i < calls; i++) {
    const res = await rpc(f, BLOCK_NUMBER, headers);
    const body = await res.json<Refusal["body"] & { result?: string }>();
    tally.limits.add(res.headers.get("x-ratelimit-limit"));
    if (res.status === 200 && body.result) tally.admitted += 1;
    else if (res.status === 429) tally.refused.push({ status: res.status, headers: res.headers, body });
    else tally.other.push(`${res.status} ${JSON.stringify(body)}`);
  }
  return tally;
}

describe("a JWT's cuPerSecond claim", () => {
  test("caps the token at 20 CU/s under a plan of 1000: token_rate refusals, x-ratelimit-limit 20; the bare key and another sub still served", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000 } });
    const signer = await register(f.tenantId);
    const alice = await token(signer, { claims: { sub: "alice", cuPerSecond: 20 } });
    const bob = await token(signer, { claims: { sub: "bob", cuPerSecond: 20 } });
    // Resolve the key and verify the tokens before the clock starts (a malformed body is refused
    // before metering), so that the window measures metering only.
    for (const jwt of [alice, bob]) {
      expect((await rpc(f, "{", { authorization: `Bearer ${jwt}` })).status).toBe(400);
    }

    const start = Date.now();
    const first = await burst(f, 30, alice);
    const seconds = (Date.now() - start) / 1000;
    // The token's bucket: a burst of one second (20 CU) and 20 CU/s since, plus one lease.
    const bound = 20 + 20 * seconds + LEASE_SLACK_CU;
    console.log(JSON.stringify({ admittedCu: first.admitted * CU, boundCu: bound, seconds }));
    expect(first.other).toEqual([]);
    expect(first.admitted).toBeGreaterThanOrEqual(1);
    expect(first.refused.length).toBeGreaterThanOrEqual(1);
    expect(first.admitted * CU).toBeLessThanOrEqual(bound);
    // Far below what the plan alone would admit: 30 calls x 10 CU fit its 1000 CU burst.
    expect(first.admitted).toBeLessThan(30);
    expect([...first.limits]).toEqual(["20"]);

    const refusal = first.refused[0] as Refusal;
    expect(refusal.headers.get("x-ratelimit-limit")).toBe("20");
    expect(refusal.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(refusal.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refusal.body.error).toEqual({
      code: -32005,
      message: expect.stringMatching(
        /^rate limit exceeded: this JWT's cuPerSecond claim caps it at 20 CU per second/,
      ),
      data: { code: "limit_exceeded", limit: "token_rate", cuPerSecond: 20, retryAfter: expect.any(Number) },
    });
    for (const r of first.refused) expect(r.body.error?.data.limit).toBe("token_rate");

    // Meanwhile the key without a token is served at the plan's rate, from its own lease.
    const bare = await burst(f, 10);
    expect(bare).toMatchObject({ admitted: 10, refused: [], other: [] });
    expect([...bare.limits]).toEqual(["1000"]);
    // Another subject has a bucket of its own: its first calls (a burst of 20 CU) are served.
    const other = await burst(f, 2, bob);
    expect(other).toMatchObject({ admitted: 2, refused: [], other: [] });
    expect([...other.limits]).toEqual(["20"]);

    // A new token for the same subject spends the same bucket: over the whole window, alice's two
    // tokens together stay within one bucket's allowance.
    const again = await burst(f, 10, await token(signer, { claims: { sub: "alice", cuPerSecond: 20 } }));
    const total = (Date.now() - start) / 1000;
    expect(again.other).toEqual([]);
    expect((first.admitted + again.admitted) * CU).toBeLessThanOrEqual(20 + 20 * total + 2 * LEASE_SLACK_CU);
    for (const r of again.refused) expect(r.body.error?.data.limit).toBe("token_rate");
  });

  test("does not widen the key's own cap: a token claiming 50 on a key capped at 5 gets x-ratelimit-limit 5 and key_rate", async () => {
    const f = await fixture({ plan: { cuPerSecond: 1_000, burstCu: 1_000 } });
    const signer = await register(f.tenantId);
    const capped = await admin<{ key: string; cuPerSecond: number }>("POST", `/tenants/${f.tenantId}/keys`, {
      name: "capped",
      cuPerSecond: 5,
    });
    expect(capped.cuPerSecond).toBe(5);
    const wide = await token(signer, { claims: { sub: "carol", cuPerSecond: 50 } });
    const start = Date.now();
    const tally = await burst({ ...f, key: capped.key }, 10, wide);
    const seconds = (Date.now() - start) / 1000;
    expect(tally.other).toEqual([]);
    expect([...tally.limits]).toEqual(["5"]);
    // A call above the cap's burst (10 CU > 5) is admitted from a full bucket and leaves it in debt
    // (shared/metering/lease.ts): one call, then 5 CU/s.
    expect(tally.admitted * CU).toBeLessThanOrEqual(CU + 5 * seconds + LEASE_SLACK_CU);
    expect(tally.refused.length).toBeGreaterThanOrEqual(1);
    for (const r of tally.refused) {
      expect(r.headers.get("x-ratelimit-limit")).toBe("5");
      expect(r.body.error).toMatchObject({
        code: -32005,
        message: expect.stringMatching(/this key is capped at 5 CU per second/),
        data: { code: "limit_exceeded", limit: "key_rate", cuPerSecond: 5 },
      });
    }
    // The tenant's other key, without a cap or a token, is served.
    expect((await burst(f, 5)).admitted).toBe(5);
  });
});

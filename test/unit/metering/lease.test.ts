import { describe, expect, test } from "vitest";
import {
  type GrantParameters,
  grant,
  type Lease,
  leaseWant,
  monthEnds,
  NO_LEASE,
  OPENING_CREDIT_MAX_CU,
  openingCredit,
  spend,
} from "../../../shared/metering/lease";
import { type BucketLimits, fullBucket, take } from "../../../shared/metering/tokenBucket";

const LIMITS: BucketLimits = { ratePerSecond: 1_000, burst: 2_000 };
const lease = (overrides: Partial<Lease>): Lease => ({ ...NO_LEASE, ...overrides });

describe("spend (the isolate)", () => {
  test("spends from the lease without asking while it covers the cost", () => {
    expect(spend(lease({ remaining: 100, size: 100 }), 26, 0)).toEqual({
      kind: "spent",
      lease: lease({ remaining: 74, size: 100 }),
      renew: false,
    });
  });

  test("asks for the next lease in the background once half of it is spent", () => {
    const result = spend(lease({ remaining: 60, size: 100 }), 10, 0);
    expect(result).toMatchObject({ kind: "spent", renew: true, lease: { remaining: 50 } });
  });

  test("a cost the lease does not cover needs a new lease first", () => {
    expect(spend(lease({ remaining: 20, size: 100 }), 26, 0)).toEqual({ kind: "lease_needed" });
    expect(spend(NO_LEASE, 10, 0)).toEqual({ kind: "lease_needed" });
  });

  test("after a refusal, refuses locally until the object said to come back, then asks again", () => {
    const refused = lease({ remaining: 5, refusedUntil: 1_000, refusedBy: "quota" });
    expect(spend(refused, 10, 999)).toEqual({ kind: "refused", retryAt: 1_000, by: "quota" });
    expect(spend(refused, 10, 1_000)).toEqual({ kind: "lease_needed" });
  });

  test("CU already granted are spent even after a refusal", () => {
    const refused = lease({ remaining: 500, size: 500, refusedUntil: 1_000, refusedBy: "quota" });
    expect(spend(refused, 10, 999)).toMatchObject({ kind: "spent", lease: { remaining: 490 } });
  });
});

describe("leaseWant", () => {
  test.each([
    ["a tenth of a second of the rate", { ratePerSecond: 1_000, burst: 2_000 }, 26, 100],
    ["rounded up", { ratePerSecond: 15, burst: 30 }, 1, 2],
    ["at least the call at hand", { ratePerSecond: 100, burst: 300 }, 250, 250],
  ])("%s", (_name, limits, cost, want) => {
    expect(leaseWant(limits, cost)).toBe(want);
  });
});

const base: GrantParameters = {
  bucket: fullBucket(LIMITS, 0),
  limits: LIMITS,
  monthUsed: 0,
  monthlyQuota: 1_000_000,
  monthEnds: 86_400_000,
  want: 100,
  need: 26,
  returned: 0,
  now: 0,
};

describe("grant (the tenant's object)", () => {
  test("grants what was asked, taking it out of the bucket and the month", () => {
    expect(grant(base)).toEqual({ bucket: { tokens: 1_900, at: 0 }, monthUsed: 100, granted: 100 });
  });

  test("grants what is left when that is less than asked but covers the need", () => {
    expect(grant({ ...base, bucket: { tokens: 40, at: 0 } })).toMatchObject({ granted: 40 });
  });

  test("refuses on rate when the bucket cannot cover the need, saying when it will", () => {
    // 16 CU short at 1000 CU/s: 16 ms.
    expect(grant({ ...base, bucket: { tokens: 10, at: 0 } })).toEqual({
      bucket: { tokens: 10, at: 0 },
      monthUsed: 0,
      granted: 0,
      retryAt: 16,
      by: "rate",
    });
  });

  test("refuses on quota at the quota, until the month ends, even with a full bucket", () => {
    const result = grant({ ...base, monthUsed: 999_990, need: 26 });
    expect(result).toMatchObject({ granted: 0, by: "quota", retryAt: 86_400_000 });
  });

  test("never grants past the quota", () => {
    expect(grant({ ...base, monthUsed: 999_950 })).toMatchObject({ granted: 50, monthUsed: 1_000_000 });
  });

  test("unspent CU given back returns to the bucket and the month", () => {
    const result = grant({ ...base, bucket: { tokens: 0, at: 0 }, monthUsed: 500, returned: 60 });
    expect(result).toEqual({ bucket: { tokens: 0, at: 0 }, monthUsed: 500, granted: 60 });
  });

  test("an isolate cannot give back more than was ever granted", () => {
    const result = grant({ ...base, monthUsed: 10, returned: 1_000, want: 0, need: 0 });
    expect(result.monthUsed).toBe(0);
  });

  test("a key capped below the tenant is granted no more than its own bucket holds", () => {
    const cap = { bucket: { tokens: 50, at: 0 }, limits: { ratePerSecond: 100, burst: 100 } };
    expect(grant({ ...base, caps: [{ ...cap, by: "key_rate" }] })).toEqual({
      bucket: { tokens: 1_950, at: 0 },
      capBuckets: [{ tokens: 0, at: 0 }],
      monthUsed: 50,
      granted: 50,
    });
  });

  test("a capped key with too little in its bucket is refused on the key's rate, the tenant's untouched", () => {
    // 16 CU short at 100 CU/s: 160 ms.
    const cap = { bucket: { tokens: 10, at: 0 }, limits: { ratePerSecond: 100, burst: 100 } };
    expect(grant({ ...base, caps: [{ ...cap, by: "key_rate" }] })).toMatchObject({
      bucket: { tokens: 2_000 },
      granted: 0,
      retryAt: 160,
      by: "key_rate",
    });
  });

  test("a JWT's cap below the key's refuses on its own rate, and a grant comes out of every bucket", () => {
    const key = {
      bucket: { tokens: 80, at: 0 },
      limits: { ratePerSecond: 100, burst: 100 },
      by: "key_rate" as const,
    };
    const token = {
      bucket: { tokens: 2, at: 0 },
      limits: { ratePerSecond: 10, burst: 10 },
      by: "token_rate" as const,
    };
    expect(grant({ ...base, need: 5, caps: [key, token] })).toMatchObject({ granted: 0, by: "token_rate" });
    const full = { ...token, bucket: { tokens: 10, at: 0 } };
    expect(grant({ ...base, need: 5, caps: [key, full] })).toMatchObject({
      granted: 10,
      capBuckets: [{ tokens: 70 }, { tokens: 0 }],
    });
  });

  test("CU given back returns to the key's bucket as well as the tenant's", () => {
    const cap = { bucket: { tokens: 0, at: 0 }, limits: { ratePerSecond: 100, burst: 100 } };
    const result = grant({
      ...base,
      caps: [{ ...cap, by: "key_rate" }],
      bucket: { tokens: 0, at: 0 },
      monthUsed: 40,
      returned: 30,
      need: 26,
    });
    expect(result).toMatchObject({ granted: 30, capBuckets: [{ tokens: 0 }], bucket: { tokens: 0 } });
  });

  test("a call costing more than the burst is granted from a full bucket, leaving it in debt", () => {
    const result = grant({ ...base, want: 2_983, need: 2_983 });
    expect(result).toMatchObject({ granted: 2_983, bucket: { tokens: -983 } });
    // The debt is paid back by refill before the next grant: 983 CU + 26 CU at 1000 CU/s.
    const next = grant({ ...base, bucket: result.bucket, now: 0 });
    expect(next).toMatchObject({ granted: 0, by: "rate", retryAt: 1_009 });
  });

  test("CU owed for an opening credit are charged before the grant is decided", () => {
    const cap = { bucket: { tokens: 100, at: 0 }, limits: { ratePerSecond: 100, burst: 100 } };
    const result = grant({ ...base, owed: 40, caps: [{ ...cap, by: "key_rate" }] });
    expect(result).toEqual({
      bucket: { tokens: 1_900, at: 0 },
      capBuckets: [{ tokens: 0, at: 0 }],
      monthUsed: 100,
      granted: 60,
    });
  });

  test("CU owed are charged though the month is spent: the refusal keeps them, past the quota", () => {
    const result = grant({ ...base, monthUsed: 1_000_000, owed: 90 });
    expect(result).toMatchObject({
      granted: 0,
      by: "quota",
      monthUsed: 1_000_090,
      bucket: { tokens: 1_910 },
    });
  });

  test("CU owed are charged into debt, as a call over the burst is, and refused until refilled", () => {
    const result = grant({ ...base, bucket: { tokens: 50, at: 0 }, owed: 80 });
    // 30 CU in debt, 26 CU needed at 1000 CU/s: 56 ms.
    expect(result).toMatchObject({
      granted: 0,
      by: "rate",
      retryAt: 56,
      bucket: { tokens: -30 },
      monthUsed: 80,
    });
  });

  test("a skewed clock adds nothing to the bucket", () => {
    const result = grant({ ...base, bucket: { tokens: 10, at: 5_000 }, now: 1_000 });
    expect(result).toMatchObject({ granted: 0, by: "rate" });
  });
});

describe("isolates leasing from one object admit no more than the bucket alone would", () => {
  test("8 isolates at twice the rate for 10 s: admitted CU is within 5% of rate x time + burst", () => {
    let bucket = fullBucket(LIMITS, 0);
    let monthUsed = 0;
    const leases: Lease[] = Array.from({ length: 8 }, () => NO_LEASE);
    let admitted = 0;
    const cost = 26;
    // Each isolate tries a 26 CU call every 104 ms: 8 x 26 CU / 0.104 s = 2000 CU/s, twice the rate.
    const interval = Math.round((8 * cost * 1000) / (2 * LIMITS.ratePerSecond));
    for (let now = 0; now < 10_000; now++) {
      leases.forEach((current, i) => {
        if ((now + i) % interval !== 0) return;
        let result = spend(current, cost, now);
        if (result.kind === "lease_needed") {
          const granted = grant({
            bucket,
            limits: LIMITS,
            monthUsed,
            monthlyQuota: Number.POSITIVE_INFINITY,
            monthEnds: Number.POSITIVE_INFINITY,
            want: 100,
            need: cost,
            returned: current.remaining,
            now,
          });
          bucket = granted.bucket;
          monthUsed = granted.monthUsed;
          const next: Lease =
            "retryAt" in granted
              ? lease({ refusedUntil: granted.retryAt, refusedBy: granted.by })
              : lease({ remaining: granted.granted, size: granted.granted });
          result = spend(next, cost, now);
          leases[i] = result.kind === "spent" ? result.lease : next;
        } else if (result.kind === "spent") {
          leases[i] = result.lease;
        }
        if (result.kind === "spent") admitted += cost;
      });
    }
    const allowed = LIMITS.burst + LIMITS.ratePerSecond * 10;
    expect(admitted).toBeLessThanOrEqual(allowed);
    expect(admitted).toBeGreaterThanOrEqual(allowed * 0.95);
    // Never more than the bucket alone would have admitted to one client asking as often.
    let alone = fullBucket(LIMITS, 0);
    let aloneAdmitted = 0;
    for (let now = 0; now < 10_000; now++) {
      for (let i = 0; i < 8; i++) {
        if ((now + i) % interval !== 0) continue;
        const result = take(alone, LIMITS, cost, now);
        alone = result.bucket;
        if (result.ok) aloneAdmitted += cost;
      }
    }
    expect(admitted).toBeLessThanOrEqual(aloneAdmitted + 8 * 100);
  });
});

describe("monthEnds", () => {
  test.each([
    ["mid-month", "2026-11-24T02:00:00Z", "2026-12-01T00:00:00Z"],
    ["the last millisecond of a month", "2026-11-30T23:59:59.999Z", "2026-12-01T00:00:00Z"],
    ["the first moment of a month", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"],
    ["December rolls into January", "2026-12-31T12:00:00Z", "2027-01-01T00:00:00Z"],
    ["February in a leap year", "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z"],
  ])("%s", (_name, now, end) => {
    expect(monthEnds(Date.parse(now))).toBe(Date.parse(end));
  });
});

describe("openingCredit", () => {
  test("one lease of the rate, no more than the burst or OPENING_CREDIT_MAX_CU", () => {
    expect(openingCredit({ ratePerSecond: 400, burst: 100 })).toBe(40);
    expect(openingCredit({ ratePerSecond: 1_000, burst: 30 })).toBe(30);
    expect(openingCredit({ ratePerSecond: 100_000_000, burst: 200_000_000 })).toBe(OPENING_CREDIT_MAX_CU);
  });

  test("none when every request asks the object (a lease of 0 s)", () => {
    expect(openingCredit({ ratePerSecond: 1_000, burst: 1_000 }, 0)).toBe(0);
  });
});

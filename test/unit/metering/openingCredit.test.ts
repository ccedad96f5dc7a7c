/**
 * The opening credit's bounds in one isolate: each key's (or JWT subject's) share and the tenant's
 * are running totals; the credit ends for every key of a tenant at the first answer (or failure) of
 * a request for a lease; a tenant gets it again only once as many other tenants as the map holds
 * came after it.
 */
import { describe, expect, test } from "vitest";
import type { KeyLimits } from "../../../shared/metering/limits";
import { type CreditHolder, OpeningCredits } from "../../../shared/metering/openingCredit";

/** A plan of 1,000 CU/s: its credit is one lease of 0.1 s, 100 CU. */
const PLAN: KeyLimits = {
  cuPerSecond: 1_000,
  burstCu: 1_000,
  monthlyCu: 1_000_000,
  keyCuPerSecond: null,
  onMeterDown: "closed",
};
const holder = (): CreditHolder => ({ credit: undefined, owed: 0 });

/** Takes `cost` until refused; the CU admitted. */
function drain(credits: OpeningCredits, tenant: string, meter: CreditHolder, limits: KeyLimits, cost = 10) {
  let admitted = 0;
  while (credits.take(tenant, meter, limits, cost, 0.1)) admitted += cost;
  return admitted;
}

describe("OpeningCredits", () => {
  test("a key capped at 100 CU/s spends one lease of its cap in all, the tenant's other keys the rest", () => {
    const credits = new OpeningCredits();
    const capped = holder();
    expect(drain(credits, "t", capped, { ...PLAN, keyCuPerSecond: 100 })).toBe(10);
    expect(capped).toEqual({ credit: 0, owed: 10 });
    const other = holder();
    expect(drain(credits, "t", other, PLAN)).toBe(90);
    expect(other.owed).toBe(90);
  });

  test("a JWT subject's cap bounds its own share", () => {
    const credits = new OpeningCredits();
    const subject = { ...PLAN, tokenCap: { id: "jwt:alice", cuPerSecond: 200 } };
    expect(drain(credits, "t", holder(), subject)).toBe(20);
    expect(drain(credits, "t", holder(), subject)).toBe(20);
  });

  test("no credit for any key of the tenant once a request for a lease came back", () => {
    const credits = new OpeningCredits();
    expect(credits.take("t", holder(), PLAN, 10, 0.1)).toBe(true);
    credits.end("t");
    expect(credits.take("t", holder(), PLAN, 10, 0.1)).toBe(false);
    // A tenant whose first request waited for the object gets none afterwards either.
    credits.end("u");
    expect(credits.take("u", holder(), PLAN, 10, 0.1)).toBe(false);
    expect(credits.take("v", holder(), PLAN, 10, 0.1)).toBe(true);
  });

  test("a tenant gets a second credit only after as many other tenants as the map holds came after it", () => {
    const credits = new OpeningCredits(3);
    credits.end("t");
    for (const other of ["a", "b"]) credits.take(other, holder(), PLAN, 10, 0.1);
    expect(credits.take("t", holder(), PLAN, 10, 0.1)).toBe(false);
    credits.take("c", holder(), PLAN, 10, 0.1);
    expect(credits.take("t", holder(), PLAN, 10, 0.1)).toBe(true);
  });

  test("none with a lease of 0 s (every request asks the object)", () => {
    expect(new OpeningCredits().take("t", holder(), PLAN, 10, 0)).toBe(false);
  });
});

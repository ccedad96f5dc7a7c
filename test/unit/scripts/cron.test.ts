import { describe, expect, test } from "vitest";
import { cronMatches } from "../../../scripts/lib/cron.mjs";

const at = (iso: string) => new Date(iso);

describe("cronMatches (npm start fires wrangler.toml's triggers itself)", () => {
  test("every minute", () => {
    expect(cronMatches("* * * * *", at("2026-11-24T05:13:00Z"))).toBe(true);
  });

  test("steps and fixed values, in UTC", () => {
    expect(cronMatches("*/5 * * * *", at("2026-11-24T05:15:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-11-24T05:16:00Z"))).toBe(false);
    expect(cronMatches("0 * * * *", at("2026-11-24T07:00:00Z"))).toBe(true);
    expect(cronMatches("0 * * * *", at("2026-11-24T07:01:00Z"))).toBe(false);
    expect(cronMatches("*/15 * * * *", at("2026-11-24T07:45:00Z"))).toBe(true);
    expect(cronMatches("0,30 3 * * 2", at("2026-11-24T03:30:00Z"))).toBe(true);
    expect(cronMatches("0,30 3 * * 2", at("2026-11-25T03:30:00Z"))).toBe(false);
  });

  test("what it cannot read is an error, not a silent never", () => {
    expect(() => cronMatches("* * * *", at("2026-11-24T05:13:00Z"))).toThrow(/5 fields/);
    expect(() => cronMatches("1-5 * * * *", at("2026-11-24T05:13:00Z"))).toThrow(/not supported/);
  });
});

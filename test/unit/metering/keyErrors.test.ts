import { describe, expect, test } from "vitest";
import { addError, type ErrorCount, errorsOf, UNKNOWN_CODE } from "../../../shared/metering/keyErrors";

const NOON = Date.UTC(2026, 4, 12, 12, 0, 0);
const DAY = "2026-05-12";

describe("errorsOf", () => {
  test.each<[string, Parameters<typeof errorsOf>[0], Omit<ErrorCount, "day" | "keyId" | "lastAt">[]]>([
    [
      "calls answered OK count nothing",
      { answers: [{ ok: true }, { ok: true }], calls: 2, keyId: "k", now: NOON },
      [],
    ],
    [
      "a batch's errors count once per call, by code",
      {
        answers: [
          { ok: true },
          { ok: false, code: -32601 },
          { ok: false, code: 3 },
          { ok: false, code: -32601 },
          { ok: false, code: -32000 },
        ],
        calls: 5,
        keyId: "k",
        now: NOON,
      },
      [
        { code: -32601, count: 2 },
        { code: 3, count: 1 },
        { code: -32000, count: 1 },
      ],
    ],
    [
      "a request refused at admission counts each of its calls under the refusal's code",
      { answers: undefined, failedWith: -32005, calls: 3, keyId: "k", now: NOON },
      [{ code: -32005, count: 3 }],
    ],
    [
      "a request that failed as a whole counts each call under its code",
      { answers: undefined, failedWith: -32603, calls: 1, keyId: "k", now: NOON },
      [{ code: -32603, count: 1 }],
    ],
    [
      "a request with no calls counts nothing",
      { answers: undefined, failedWith: -32005, calls: 0, keyId: "k", now: NOON },
      [],
    ],
    [
      "an error answer without an integer code counts as an internal error",
      {
        answers: [
          { ok: false },
          { ok: false, code: 1.5 },
          { ok: false, code: Number.NaN },
          { ok: false, code: 2 ** 60 },
        ],
        calls: 4,
        keyId: "k",
        now: NOON,
      },
      [{ code: UNKNOWN_CODE, count: 4 }],
    ],
  ])("%s", (_, p, expected) => {
    expect(errorsOf(p)).toEqual(expected.map((e) => ({ ...e, day: DAY, keyId: "k", lastAt: NOON })));
  });

  test("counts fall on the UTC day of the answer", () => {
    const [e] = errorsOf({
      answers: [{ ok: false, code: 3 }],
      calls: 1,
      keyId: "k",
      now: Date.UTC(2026, 0, 1, 0, 0, 0) - 1,
    });
    expect(e?.day).toBe("2025-12-31");
  });
});

describe("addError", () => {
  test("adds counts of the same day, key and code, keeping the latest time; others stay apart", () => {
    const counts = new Map<string, ErrorCount>();
    const e = (day: string, keyId: string, code: number, count: number, lastAt: number): ErrorCount => ({
      day,
      keyId,
      code,
      count,
      lastAt,
    });
    addError(counts, e(DAY, "a", 3, 2, 200));
    addError(counts, e(DAY, "a", 3, 5, 100));
    addError(counts, e(DAY, "a", -32000, 1, 50));
    addError(counts, e(DAY, "b", 3, 1, 10));
    addError(counts, e("2026-05-13", "a", 3, 4, 300));
    expect([...counts.values()]).toEqual([
      e(DAY, "a", 3, 7, 200),
      e(DAY, "a", -32000, 1, 50),
      e(DAY, "b", 3, 1, 10),
      e("2026-05-13", "a", 3, 4, 300),
    ]);
  });

  test("never changes the count it was given", () => {
    const counts = new Map<string, ErrorCount>();
    const first: ErrorCount = { day: DAY, keyId: "a", code: 3, count: 1, lastAt: 1 };
    addError(counts, first);
    addError(counts, { ...first, count: 2, lastAt: 2 });
    expect(first).toEqual({ day: DAY, keyId: "a", code: 3, count: 1, lastAt: 1 });
  });
});

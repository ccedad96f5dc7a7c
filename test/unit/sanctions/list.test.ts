import { describe, expect, test } from "vitest";
import { applyOracleEvents, diff, listHash, parseList, union } from "../../../shared/sanctions/list";

const A = `0x${"a1".repeat(20)}`;
const B = `0x${"b2".repeat(20)}`;
const C = `0x${"c3".repeat(20)}`;

describe("parseList", () => {
  test("plain text: one address per line, lower-cased, sorted, unique; comments and blank lines skipped", () => {
    expect(parseList(`# SDN ETH\r\n${B.toUpperCase().replace("0X", "0x")}\n\n  ${A}  \n${B}\n`)).toEqual({
      addresses: [A, B],
      dropped: 0,
    });
  });

  test("entries that are not addresses are dropped and counted", () => {
    expect(parseList(`${A}\n0x1234\nbc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\n${A}0\n`)).toEqual({
      addresses: [A],
      dropped: 3,
    });
  });

  test("JSON: an array of addresses, of objects with `address`, or an object with `addresses`", () => {
    expect(parseList(JSON.stringify([B, A, 7]))).toEqual({ addresses: [A, B], dropped: 1 });
    expect(parseList(JSON.stringify([{ address: A }, { name: "x" }]))).toEqual({
      addresses: [A],
      dropped: 1,
    });
    expect(parseList(JSON.stringify({ addresses: [C] }))).toEqual({ addresses: [C], dropped: 0 });
  });

  test("JSON that does not parse, or has no array, is an error rather than an empty list", () => {
    expect(() => parseList(`[${A}`)).toThrow("the list looks like JSON but does not parse");
    expect(() => parseList('{"data": 1}')).toThrow(
      "a JSON list must be an array or have an `addresses` array",
    );
  });
});

describe("sets", () => {
  test("union is sorted and unique; diff says what was added and removed", () => {
    expect(
      union([
        [B, C],
        [A, B],
      ]),
    ).toEqual([A, B, C]);
    expect(diff([A, B], [B, C])).toEqual({ added: [C], removed: [A] });
    expect(diff([], [A])).toEqual({ added: [A], removed: [] });
  });

  test("the hash is SHA-256 of the sorted addresses joined by newlines", async () => {
    expect(await listHash([])).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await listHash([A, B])).not.toBe(await listHash([B, A]));
  });

  test("oracle events apply in order: removed after added removes, added again adds back", () => {
    const events = [
      { kind: "added" as const, addresses: [A.toUpperCase().replace("0X", "0x"), B] },
      { kind: "removed" as const, addresses: [A] },
      { kind: "added" as const, addresses: [C] },
      { kind: "removed" as const, addresses: [C] },
      { kind: "added" as const, addresses: [C] },
    ];
    expect(applyOracleEvents([], events)).toEqual([B, C]);
    expect(applyOracleEvents([A], [{ kind: "removed", addresses: [B] }])).toEqual([A]);
  });
});

/** The nesting limit: an iterative scan of brackets outside strings, and how parsing refuses a request too deep. */
import { describe, expect, test } from "vitest";
import { canonicalJson } from "../../../shared/cache/key";
import { MAX_NESTING, nestingDepth } from "../../../shared/jsonrpc/nesting";
import { parseRequest } from "../../../shared/jsonrpc/parse";

const nested = (levels: number, inner = "1") => `${"[".repeat(levels)}${inner}${"]".repeat(levels)}`;
/** A single call whose params nest so that the whole request is `levels` deep (the call object is 1). */
const call = (levels: number, id = "1") =>
  `{"jsonrpc":"2.0","id":${id},"method":"eth_getLogs","params":${nested(levels - 1)}}`;

describe("nestingDepth", () => {
  test.each([
    ["a scalar", "42", 0],
    ["an empty array", "[]", 1],
    ["an object holding an array", '{"a":[1,{"b":2}]}', 3],
    ["siblings do not add up", "[[1],[2],[[3]]]", 3],
    ["brackets inside strings are not counted", '["[[[[{{{{", "\\"[[["]', 1],
    ["an escaped backslash before a closing quote", '["a\\\\", [[1]]]', 3],
    ["unbalanced text is still scanned, not parsed", "[[[", 3],
  ])("%s", (_, text, depth) => {
    expect(nestingDepth(text, 1000)).toBe(depth);
  });

  test("stops one past the cap", () => {
    expect(nestingDepth(nested(10_000), 64)).toBe(65);
  });

  test("scans only the given range", () => {
    const text = `[${nested(3)},${nested(7)}]`;
    expect(nestingDepth(text, 100, 1, 8)).toBe(3);
  });

  test("a million levels take no recursion", () => {
    expect(nestingDepth(nested(1_000_000), 2_000_000)).toBe(1_000_000);
  });
});

describe("a single request", () => {
  test("nested exactly at the limit is parsed as before", () => {
    const parsed = parseRequest(call(MAX_NESTING));
    expect(parsed).toMatchObject({ kind: "single", item: { ok: true, method: "eth_getLogs", id: "1" } });
  });

  test.each([MAX_NESTING + 1, 1_000, 5_000, 100_000])(
    "nested %i levels is refused whole with -32600",
    (levels) => {
      const parsed = parseRequest(call(levels));
      if (parsed.kind !== "error") throw new Error(`expected an error, got ${parsed.kind}`);
      expect(parsed.error).toMatchObject({ code: "invalid_request", rpcCode: -32600, httpStatus: 400 });
      expect(parsed.error.message).toMatch(/nesting deeper than the limit of 64 levels/);
    },
  );

  test("depth is refused before the JSON is checked", () => {
    const parsed = parseRequest(`{"jsonrpc":"2.0","params":${"[".repeat(100)}`);
    expect(parsed.kind === "error" && parsed.error.code).toBe("invalid_request");
  });

  test("a deep string is not nesting", () => {
    const parsed = parseRequest(`{"jsonrpc":"2.0","id":1,"method":"m","params":["${"[".repeat(5_000)}"]}`);
    expect(parsed).toMatchObject({ kind: "single", item: { ok: true } });
  });
});

describe("a batch", () => {
  test("refuses only the item too deep, keeping its id, and answers the others", () => {
    const parsed = parseRequest(`[${call(MAX_NESTING, "1")},${call(5_000, '"deep"')},${call(2, "3")}]`);
    if (parsed.kind !== "batch") throw new Error(`expected a batch, got ${parsed.kind}`);
    expect(parsed.items.map((i) => [i.ok, i.id])).toEqual([
      [true, "1"],
      [false, '"deep"'],
      [true, "3"],
    ]);
    expect(parsed.items[1]).toMatchObject({ error: { code: "invalid_request", rpcCode: -32600 } });
  });

  test("the batch's own array is not counted against an item", () => {
    const parsed = parseRequest(`[${call(MAX_NESTING)}]`);
    expect(parsed).toMatchObject({ kind: "batch", items: [{ ok: true }] });
  });

  test("an item that is a deep array, not an object, is refused with id null", () => {
    const parsed = parseRequest(`[${nested(3_000)}]`);
    expect(parsed).toMatchObject({ kind: "batch", items: [{ ok: false, id: "null" }] });
    expect(parsed.kind === "batch" && parsed.items[0]?.ok === false && parsed.items[0].error.message).toMatch(
      /nesting/,
    );
  });

  test("a batch that is not JSON is still a parse error", () => {
    const parsed = parseRequest(`[${nested(100)},`);
    expect(parsed.kind === "error" && parsed.error.code).toBe("parse_error");
  });
});

describe("canonicalJson on its own", () => {
  test.each([1_000, 100_000])("keys %i levels of nesting without a RangeError", (levels) => {
    const value = JSON.parse(nested(levels, '{"B":"0xAB"}'));
    expect(canonicalJson(value)).toBe(nested(levels, '{"B":"0xab"}'));
  });
});

/** Reading upstream responses into replies by the gateway's numeric ids, results kept raw. */
import { describe, expect, test } from "vitest";
import { parseReplies } from "../../../shared/jsonrpc/replies";

describe("parseReplies", () => {
  test("keeps a single result raw, including numbers beyond 2^53", () => {
    const replies = parseReplies('{"jsonrpc":"2.0","id":1,"result":{"v": 123456789012345678901, "h":"0x1"}}');
    expect(replies?.byId.get(1)).toEqual({ ok: true, resultRaw: '{"v": 123456789012345678901, "h":"0x1"}' });
    expect(replies?.orphanError).toBeUndefined();
  });

  test("keeps a null result as the text null", () => {
    expect(parseReplies('{"jsonrpc":"2.0","id":1,"result":null}')?.byId.get(1)).toEqual({
      ok: true,
      resultRaw: "null",
    });
  });

  test("matches batch replies that arrive out of order to their ids", () => {
    const replies = parseReplies(
      '[ {"jsonrpc":"2.0","id":3,"result":"0xc"}, {"jsonrpc":"2.0","id":1,"result":"0xa"},' +
        '{"jsonrpc":"2.0","id":2,"error":{"code":3,"message":"execution reverted","data":"0x"}} ]',
    );
    expect(replies?.byId).toEqual(
      new Map([
        [3, { ok: true, resultRaw: '"0xc"' }],
        [1, { ok: true, resultRaw: '"0xa"' }],
        [2, { ok: false, error: { code: 3, message: "execution reverted", data: "0x" } }],
      ]),
    );
  });

  test("reads a result when the upstream also sends error: null", () => {
    expect(parseReplies('{"jsonrpc":"2.0","id":1,"error":null,"result":"0x1"}')?.byId.get(1)).toEqual({
      ok: true,
      resultRaw: '"0x1"',
    });
  });

  test("fills in a missing error code and message", () => {
    expect(parseReplies('{"jsonrpc":"2.0","id":1,"error":{}}')?.byId.get(1)).toEqual({
      ok: false,
      error: { code: -32603, message: "" },
    });
  });

  test("keeps an error with id null as an orphan error", () => {
    const replies = parseReplies(
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large"}}',
    );
    expect(replies?.byId.size).toBe(0);
    expect(replies?.orphanError).toEqual({ code: -32600, message: "batch too large" });
  });

  test("keeps an error without an id as an orphan error next to other replies", () => {
    const replies = parseReplies(
      '[{"jsonrpc":"2.0","id":1,"result":"0x1"},{"jsonrpc":"2.0","error":{"code":-32005,"message":"rate limited"}}]',
    );
    expect(replies?.byId.get(1)).toEqual({ ok: true, resultRaw: '"0x1"' });
    expect(replies?.orphanError).toEqual({ code: -32005, message: "rate limited" });
  });

  test.each([
    ["an HTML error page", "<html><body>502 Bad Gateway</body></html>"],
    ["a bare string", '"ok"'],
    ["null", "null"],
    ["an array of numbers", "[1]"],
    ["a reply with neither result nor error", '{"jsonrpc":"2.0","id":1}'],
    ["a result without an id", '{"jsonrpc":"2.0","result":"0x1"}'],
    ["a result with a string id", '{"jsonrpc":"2.0","id":"1","result":"0x1"}'],
  ])("rejects %s as not a JSON-RPC response", (_, text) => {
    expect(parseReplies(text)).toBeUndefined();
  });
});

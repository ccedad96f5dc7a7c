/** Response and request text built around raw ids, params and results. */
import { describe, expect, test } from "vitest";
import { errorEntry, requestEntry, resultEntry } from "../../../shared/jsonrpc/serialize";

describe("resultEntry", () => {
  test("puts the raw id and result in the response unchanged", () => {
    expect(resultEntry("9007199254740993", '{"v":123456789012345678901}')).toBe(
      '{"jsonrpc":"2.0","id":9007199254740993,"result":{"v":123456789012345678901}}',
    );
  });

  test("keeps a string id with escapes as sent", () => {
    const entry = resultEntry('"a\\"b\\u00e9"', '"0x1"');
    expect(entry).toBe('{"jsonrpc":"2.0","id":"a\\"b\\u00e9","result":"0x1"}');
    expect(JSON.parse(entry).id).toBe('a"bé');
  });
});

describe("errorEntry", () => {
  test("serialises an error object", () => {
    const entry = errorEntry("null", {
      code: -32600,
      message: 'bad "request"',
      data: { code: "invalid_request" },
    });
    expect(JSON.parse(entry)).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: 'bad "request"', data: { code: "invalid_request" } },
    });
  });

  test("inserts an error given as raw text unchanged", () => {
    expect(errorEntry("7", '{"code":3,"message":"execution reverted"}')).toBe(
      '{"jsonrpc":"2.0","id":7,"error":{"code":3,"message":"execution reverted"}}',
    );
  });
});

describe("requestEntry", () => {
  test("omits params when there are none", () => {
    expect(requestEntry(1, "eth_chainId", undefined)).toBe('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
  });

  test("forwards raw params byte-for-byte", () => {
    const params = '[ "0xAbC" , 123456789012345678901234567890 ]';
    expect(requestEntry(2, "eth_call", params)).toBe(
      `{"jsonrpc":"2.0","id":2,"method":"eth_call","params":${params}}`,
    );
  });

  test("escapes the method name", () => {
    expect(JSON.parse(requestEntry(3, 'eth_"x\\', "[]")).method).toBe('eth_"x\\');
  });
});

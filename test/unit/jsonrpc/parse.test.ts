/** JSON-RPC 2.0 request parsing: single, batch, notifications, invalid items, raw ids and params. */
import { describe, expect, test } from "vitest";
import { type ParseRequestReturnType, parseRequest, type RpcItem } from "../../../shared/jsonrpc/parse";

function single(text: string): RpcItem {
  const parsed = parseRequest(text);
  if (parsed.kind !== "single") throw new Error(`expected a single request, got ${parsed.kind}`);
  return parsed.item;
}

function batch(text: string): RpcItem[] {
  const parsed = parseRequest(text);
  if (parsed.kind !== "batch") throw new Error(`expected a batch, got ${parsed.kind}`);
  return parsed.items;
}

function failure(parsed: ParseRequestReturnType) {
  if (parsed.kind !== "error") throw new Error(`expected an error, got ${parsed.kind}`);
  return { code: parsed.error.code, rpcCode: parsed.error.rpcCode, httpStatus: parsed.error.httpStatus };
}

describe("a single request", () => {
  test("reads method, params and id", () => {
    expect(single('{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0xabc","latest"]}')).toEqual({
      ok: true,
      method: "eth_getBalance",
      params: ["0xabc", "latest"],
      paramsRaw: '["0xabc","latest"]',
      id: "1",
    });
  });

  test("keeps an id above 2^53 byte-for-byte", () => {
    expect(single('{"jsonrpc":"2.0","id":9007199254740993,"method":"eth_chainId"}').id).toBe(
      "9007199254740993",
    );
  });

  test("keeps a string id with escapes byte-for-byte", () => {
    const item = single('{"jsonrpc":"2.0","id":"a\\"b\\\\c\\u00e9","method":"eth_chainId"}');
    expect(item.id).toBe('"a\\"b\\\\c\\u00e9"');
  });

  test.each(["0", "-1", "1.50", "1e3", "-0", '""', '"x"', "null"])("keeps the id %s as written", (id) => {
    expect(single(`{"jsonrpc":"2.0","method":"eth_chainId","id":${id}}`).id).toBe(id);
  });

  test("keeps params raw, with their whitespace and numbers beyond 2^53", () => {
    const params = '[ "0xAbC" , 123456789012345678901234567890, {"to" : "0x1"} ]';
    const item = single(`{"jsonrpc":"2.0","id":1,"method":"eth_call","params":${params}}`);
    expect(item.ok && item.paramsRaw).toBe(params);
  });

  test("accepts params given as an object", () => {
    const item = single('{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":1}}');
    expect(item.ok && item.params).toEqual({ a: 1 });
  });

  test("leaves params undefined when absent", () => {
    const item = single('{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
    expect(item.ok && [item.params, item.paramsRaw]).toEqual([undefined, undefined]);
  });

  test("treats a request without an id as a notification", () => {
    const item = single('{"jsonrpc":"2.0","method":"eth_chainId"}');
    expect(item).toMatchObject({ ok: true, id: undefined });
  });

  test("treats an id of null as a call, not a notification", () => {
    expect(single('{"jsonrpc":"2.0","id":null,"method":"eth_chainId"}')).toMatchObject({
      ok: true,
      id: "null",
    });
  });

  test("reads a document with surrounding whitespace", () => {
    expect(single(' \n\t{"jsonrpc":"2.0","id":"x","method":"m"}\n ').id).toBe('"x"');
  });

  test("takes the last of a repeated id, as JSON.parse does", () => {
    expect(single('{"id":1,"jsonrpc":"2.0","method":"m","id":2}').id).toBe("2");
  });

  test("finds an id whose key is written with an escape", () => {
    expect(single('{"jsonrpc":"2.0","\\u0069d":7,"method":"m"}').id).toBe("7");
  });

  test("does not mistake an id inside params for the request's id", () => {
    expect(single('{"jsonrpc":"2.0","method":"m","params":{"id":5}}').id).toBeUndefined();
  });
});

describe("invalid requests", () => {
  test.each([
    ["jsonrpc is missing", '{"id":4,"method":"m"}'],
    ["jsonrpc is 1.0", '{"jsonrpc":"1.0","id":4,"method":"m"}'],
    ["jsonrpc is a number", '{"jsonrpc":2.0,"id":4,"method":"m"}'],
    ["method is missing", '{"jsonrpc":"2.0","id":4}'],
    ["method is empty", '{"jsonrpc":"2.0","id":4,"method":""}'],
    ["method is not a string", '{"jsonrpc":"2.0","id":4,"method":1}'],
    ["params is a string", '{"jsonrpc":"2.0","id":4,"method":"m","params":"0x1"}'],
    ["params is a number", '{"jsonrpc":"2.0","id":4,"method":"m","params":1}'],
    ["params is null", '{"jsonrpc":"2.0","id":4,"method":"m","params":null}'],
  ])("refuses a request where %s, answering with its id", (_, text) => {
    const item = single(text);
    expect(item.ok).toBe(false);
    expect(!item.ok && [item.error.code, item.error.rpcCode, item.id]).toEqual([
      "invalid_request",
      -32600,
      "4",
    ]);
  });

  test.each([
    ["a boolean", "true"],
    ["an object", '{"a":1}'],
    ["an array", "[1]"],
  ])("refuses an id that is %s and answers with id null", (_, id) => {
    const item = single(`{"jsonrpc":"2.0","id":${id},"method":"m"}`);
    expect(!item.ok && [item.error.code, item.id]).toEqual(["invalid_request", "null"]);
  });

  test("answers an invalid notification with id null", () => {
    const item = single('{"jsonrpc":"2.0","method":5}');
    expect(!item.ok && item.id).toBe("null");
  });

  test.each([
    ["a number", "1"],
    ["a string", '"eth_chainId"'],
    ["null", "null"],
  ])("refuses a body that is %s", (_, text) => {
    const item = single(text);
    expect(!item.ok && [item.error.code, item.id]).toEqual(["invalid_request", "null"]);
  });
});

describe("unreadable bodies", () => {
  test.each([
    ["an empty body", ""],
    ["truncated JSON", '{"jsonrpc":"2.0","method":"m"'],
    ["trailing garbage", '{"jsonrpc":"2.0","method":"m"} x'],
    ["single quotes", "{'jsonrpc':'2.0'}"],
    ["two documents", "{}{}"],
  ])("answers %s with a parse error", (_, text) => {
    expect(failure(parseRequest(text))).toEqual({ code: "parse_error", rpcCode: -32700, httpStatus: 400 });
  });

  test("answers an empty batch with an invalid request error", () => {
    expect(failure(parseRequest(" [ ] "))).toEqual({
      code: "invalid_request",
      rpcCode: -32600,
      httpStatus: 400,
    });
  });
});

describe("a batch", () => {
  test("reads each item in order, keeping each raw id", () => {
    const items = batch(`[
      {"jsonrpc":"2.0","id":9007199254740993,"method":"eth_chainId"} ,
      {"jsonrpc":"2.0","method":"eth_subscribe","params":["newHeads"]},
      {"jsonrpc":"2.0","id":"b","method":"eth_call","params":[{"to":"0x1"}, "latest"]}
    ]`);
    expect(items.map((i) => [i.ok, i.ok && i.method, i.id])).toEqual([
      [true, "eth_chainId", "9007199254740993"],
      [true, "eth_subscribe", undefined],
      [true, "eth_call", '"b"'],
    ]);
    expect(items[2]?.ok && items[2].paramsRaw).toBe('[{"to":"0x1"}, "latest"]');
  });

  test("answers each non-object element with its own invalid request", () => {
    const items = batch("[1,2,3]");
    expect(items.map((i) => [i.ok, !i.ok && i.error.code, i.id])).toEqual([
      [false, "invalid_request", "null"],
      [false, "invalid_request", "null"],
      [false, "invalid_request", "null"],
    ]);
  });

  test("keeps valid items next to invalid ones", () => {
    const items = batch(
      '[{"jsonrpc":"2.0","id":1,"method":"m"},{"id":2},[],{"jsonrpc":"2.0","id":"3","method":"n"}]',
    );
    expect(items.map((i) => [i.ok, i.id])).toEqual([
      [true, "1"],
      [false, "2"],
      [false, "null"],
      [true, '"3"'],
    ]);
  });

  test("refuses a nested batch as an item", () => {
    const items = batch('[[{"jsonrpc":"2.0","id":1,"method":"m"}]]');
    expect(items).toHaveLength(1);
    expect(items[0]?.ok).toBe(false);
  });
});

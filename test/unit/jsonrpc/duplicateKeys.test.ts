/** Duplicate keys in a call object: refused, naming the key, since JSON.parse would silently keep the last. */
import { describe, expect, test } from "vitest";
import { parseRequest, type RpcItem } from "../../../shared/jsonrpc/parse";
import { objectMembers } from "../../../shared/jsonrpc/scan";

function single(text: string): RpcItem {
  const parsed = parseRequest(text);
  if (parsed.kind !== "single") throw new Error(`expected a single request, got ${parsed.kind}`);
  return parsed.item;
}

describe("objectMembers reports repeated keys", () => {
  test("each repeat, in order, decoded", () => {
    const repeated: string[] = [];
    objectMembers('{"a":1,"b":2,"a":3,"\\u0062":4}', 0, repeated);
    expect(repeated).toEqual(["a", "b"]);
  });

  test("not keys of nested objects", () => {
    const repeated: string[] = [];
    objectMembers('{"params":[{"a":1},{"a":2}],"x":{"a":1,"a":2}}', 0, repeated);
    expect(repeated).toEqual([]);
  });
});

describe("a call object with a repeated key", () => {
  test.each([
    ["method", '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","method":"admin_peers"}'],
    ["params", '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x1"],"params":["0x2"]}'],
    ["jsonrpc", '{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"eth_chainId"}'],
    ["method", '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","\\u006dethod":"admin_peers"}'],
  ])('is refused with -32600 naming "%s", keeping the id', (key, text) => {
    const item = single(text);
    if (item.ok) throw new Error("expected a refusal");
    expect(item.id).toBe("1");
    expect(item.error).toMatchObject({ code: "invalid_request", rpcCode: -32600, httpStatus: 400 });
    expect(item.error.message).toBe(
      `invalid request: the key "${key}" appears more than once in the request object: send each key once`,
    );
  });

  test("a repeated id is refused, answered with the last id", () => {
    const item = single('{"jsonrpc":"2.0","id":1,"id":2,"method":"eth_chainId"}');
    expect(item).toMatchObject({ ok: false, id: "2", error: { code: "invalid_request" } });
  });

  test("in a batch, only that item is refused", () => {
    const parsed = parseRequest(
      '[{"jsonrpc":"2.0","id":1,"method":"m","method":"n"},{"jsonrpc":"2.0","id":2,"method":"m"}]',
    );
    expect(parsed).toMatchObject({
      kind: "batch",
      items: [
        { ok: false, id: "1" },
        { ok: true, id: "2" },
      ],
    });
  });

  test("repeated keys inside params are left to the node", () => {
    expect(single('{"jsonrpc":"2.0","id":1,"method":"m","params":[{"a":1,"a":2}]}').ok).toBe(true);
  });
});

/** Cache and coalescing keys: one key for calls that mean the same, distinct keys otherwise. */
import { describe, expect, test } from "vitest";
import { cacheKeyOf, canonicalJson } from "../../../shared/cache/key";

const ADDRESS = "0x2F4a5bD6E7f8091a2B3c4d5E6F708192a3B4c5D6";
const HASH = "0x88DF016429689C079F3B2F6AD39FA052532C56795B733DA78A91EBE6A713944B";

describe("canonicalJson", () => {
  test.each<{ name: string; value: unknown; json: string }>([
    { name: "object keys sorted", value: { b: 1, a: 2, c: 3 }, json: '{"a":2,"b":1,"c":3}' },
    {
      name: "nested object keys sorted, arrays in order",
      value: { z: [{ y: 1, x: 2 }, 3], a: { d: true, c: null } },
      json: '{"a":{"c":null,"d":true},"z":[{"x":2,"y":1},3]}',
    },
    { name: "hex lower-cased", value: "0xAbCdEF", json: '"0xabcdef"' },
    { name: "upper-case 0X prefix lower-cased", value: "0X1A", json: '"0x1a"' },
    { name: "a bare 0x", value: "0x", json: '"0x"' },
    { name: "a tag keeps its case", value: "Latest", json: '"Latest"' },
    { name: "a non-hex 0x string keeps its case", value: "0xAbG", json: '"0xAbG"' },
    { name: "hex without 0x keeps its case", value: "AbCd", json: '"AbCd"' },
    {
      name: "hex inside arrays and objects",
      value: { To: ["0xAB", { k: "0xCD" }] },
      json: '{"To":["0xab",{"k":"0xcd"}]}',
    },
    { name: "object keys keep their case", value: { B: 1, a: 2 }, json: '{"B":1,"a":2}' },
    { name: "undefined members dropped", value: { a: 1, b: undefined }, json: '{"a":1}' },
    { name: "only undefined members", value: { b: undefined }, json: "{}" },
    { name: "undefined in an array is null", value: [1, undefined, 2], json: "[1,null,2]" },
    { name: "undefined itself", value: undefined, json: "null" },
    { name: "an empty array", value: [], json: "[]" },
    { name: "an empty object", value: {}, json: "{}" },
    { name: "an integer", value: 16, json: "16" },
    { name: "a fraction", value: 1.5, json: "1.5" },
    { name: "a negative number", value: -3, json: "-3" },
    { name: "true", value: true, json: "true" },
    { name: "false", value: false, json: "false" },
    { name: "null", value: null, json: "null" },
    { name: "0", value: 0, json: "0" },
    { name: "an empty string", value: "", json: '""' },
    { name: "a string needing escapes", value: 'a"b\nc', json: '"a\\"b\\nc"' },
  ])("$name", ({ value, json }) => {
    expect(canonicalJson(value)).toBe(json);
  });

  test.each<{ name: string; value: unknown }>([
    { name: "numbers", value: [0, 1, -1, 1.25, 1e21] },
    { name: "booleans and null", value: [true, false, null] },
    { name: "a filter", value: { address: "0xabc", fromBlock: "0x10", topics: [null, ["0x01", "0x02"]] } },
    { name: "a string", value: "hello" },
  ])("$name round-trip through JSON.parse", ({ value }) => {
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

describe("cacheKeyOf", () => {
  test.each<{ name: string; a: [string, string, unknown]; b: [string, string, unknown] }>([
    {
      name: "object key order",
      a: ["eth", "eth_call", [{ to: ADDRESS, data: "0x01", from: ADDRESS }, "0x10"]],
      b: ["eth", "eth_call", [{ from: ADDRESS, data: "0x01", to: ADDRESS }, "0x10"]],
    },
    {
      name: "hex case of an address and a block",
      a: ["eth", "eth_getBalance", [ADDRESS, "0x1A"]],
      b: ["eth", "eth_getBalance", [ADDRESS.toLowerCase(), "0x1a"]],
    },
    {
      name: "hex case of a hash",
      a: ["eth", "eth_getTransactionReceipt", [HASH]],
      b: ["eth", "eth_getTransactionReceipt", [HASH.toLowerCase()]],
    },
    {
      name: "hex case and key order inside a log filter",
      a: ["eth", "eth_getLogs", [{ toBlock: "0xFF", fromBlock: "0xA0", topics: [HASH] }]],
      b: ["eth", "eth_getLogs", [{ fromBlock: "0xa0", topics: [HASH.toLowerCase()], toBlock: "0xff" }]],
    },
    {
      name: "an undefined member",
      a: ["eth", "eth_call", [{ to: ADDRESS, value: undefined }, "0x10"]],
      b: ["eth", "eth_call", [{ to: ADDRESS }, "0x10"]],
    },
    { name: "absent params and []", a: ["eth", "eth_chainId", undefined], b: ["eth", "eth_chainId", []] },
    { name: "null params and []", a: ["eth", "eth_chainId", null], b: ["eth", "eth_chainId", []] },
  ])("the same key despite $name", ({ a, b }) => {
    expect(cacheKeyOf(...a)).toBe(cacheKeyOf(...b));
  });

  test.each<{ name: string; a: [string, string, unknown]; b: [string, string, unknown] }>([
    { name: "chains", a: ["eth", "eth_chainId", []], b: ["base", "eth_chainId", []] },
    {
      name: "methods",
      a: ["eth", "eth_getBlockByNumber", ["0x10", false]],
      b: ["eth", "eth_getBlockReceipts", ["0x10", false]],
    },
    {
      name: "a tag's case",
      a: ["eth", "eth_getBlockByNumber", ["Latest", false]],
      b: ["eth", "eth_getBlockByNumber", ["latest", false]],
    },
    {
      name: "array order",
      a: ["eth", "eth_getLogs", [{ topics: ["0x01", "0x02"] }]],
      b: ["eth", "eth_getLogs", [{ topics: ["0x02", "0x01"] }]],
    },
    {
      name: "blocks",
      a: ["eth", "eth_getBalance", [ADDRESS, "0x10"]],
      b: ["eth", "eth_getBalance", [ADDRESS, "0x11"]],
    },
    {
      name: "a boolean",
      a: ["eth", "eth_getBlockByNumber", ["0x10", false]],
      b: ["eth", "eth_getBlockByNumber", ["0x10", true]],
    },
    {
      name: "null and a missing array member",
      a: ["eth", "eth_getBlockByNumber", ["0x10", null]],
      b: ["eth", "eth_getBlockByNumber", ["0x10"]],
    },
    {
      name: "a number and its hex string",
      a: ["eth", "eth_getBlockByNumber", [16, false]],
      b: ["eth", "eth_getBlockByNumber", ["0x10", false]],
    },
    {
      name: "a member set to null and a member left out",
      a: ["eth", "eth_call", [{ to: ADDRESS, value: null }, "0x10"]],
      b: ["eth", "eth_call", [{ to: ADDRESS }, "0x10"]],
    },
    {
      name: "an object key's case",
      a: ["eth", "eth_getLogs", [{ fromBlock: "0x10" }]],
      b: ["eth", "eth_getLogs", [{ FromBlock: "0x10" }]],
    },
    { name: "[] and {}", a: ["eth", "eth_chainId", []], b: ["eth", "eth_chainId", {}] },
  ])("different keys for different $name", ({ a, b }) => {
    expect(cacheKeyOf(...a)).not.toBe(cacheKeyOf(...b));
  });

  test("the key is the chain, the method and the canonical params, one per line", () => {
    expect(cacheKeyOf("eth", "eth_getBalance", [ADDRESS, "0x1A"])).toBe(
      `eth\neth_getBalance\n["${ADDRESS.toLowerCase()}","0x1a"]`,
    );
    expect(cacheKeyOf("eth", "eth_chainId", undefined)).toBe("eth\neth_chainId\n[]");
  });
});

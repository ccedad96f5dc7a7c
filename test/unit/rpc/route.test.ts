/** Which URLs reach the JSON-RPC handler, and with what chain and key. */
import { describe, expect, test } from "vitest";
import { matchRpcRoute } from "../../../workers/gateway/src/rpc/route";

describe("matchRpcRoute", () => {
  test.each([
    ["http://h/v1/local/rpc_abc", { chain: "local", key: "rpc_abc" }],
    ["https://gw.example.com/v1/ethereum", { chain: "ethereum", key: undefined }],
    ["http://h/v1/local/", { chain: "local", key: undefined }],
    ["http://h/v1/local/rpc_abc?x=1#frag", { chain: "local", key: "rpc_abc" }],
    ["http://h:8787/v1/local/rpc%2Babc", { chain: "local", key: "rpc+abc" }],
  ])("%s -> %o", (url, route) => {
    expect(matchRpcRoute(url)).toEqual(route);
  });

  test.each([
    "http://h/",
    "http://h/v1/",
    "http://h/v1",
    "http://h/v2/local/key",
    "http://h/admin/v1/plans",
    "http://h/v1/local/key/extra",
    "http://h/v1/local/%E0%A4%A",
    "http://h/x?/v1/local/key",
  ])("%s is not an RPC route", (url) => {
    expect(matchRpcRoute(url)).toBeUndefined();
  });
});

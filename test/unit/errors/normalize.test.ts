/** Real provider error messages and how each is classified; in the style of erpc's error_normalizer_test. */
import { describe, expect, test } from "vitest";
import { GatewayError, type JsonRpcErrorObject } from "../../../shared/errors/base";
import {
  normalizeHttpFailure,
  normalizeRpcError,
  type UpstreamFault,
  withoutEcho,
} from "../../../shared/errors/normalize";
import { redact, secretsOf } from "../../../shared/errors/redact";

/** ABI-encoded `Error(string)` payloads, as geth returns them in `error.data`. */
const OWNABLE_REVERT =
  "0x08c379a0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000204f776e61626c653a2063616c6c6572206973206e6f7420746865206f776e6572";
const MAX_SUPPLY_REVERT =
  "0x08c379a0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000134d617820737570706c7920657863656564656400000000000000000000000000";
const ADDRESS = "0x2F4a5bD6E7f8091a2B3c4d5E6F708192a3B4c5D6";

interface Case {
  source: string;
  error: JsonRpcErrorObject;
  fault: UpstreamFault;
}

const CASES: Case[] = [
  // The client's fault: reverts, bad transactions, bad params, unknown methods, queries that are too big.
  {
    source: "geth revert with reason",
    error: { code: 3, message: "execution reverted: Ownable: caller is not the owner", data: OWNABLE_REVERT },
    fault: "client",
  },
  {
    source: "geth revert whose reason says exceeded",
    error: { code: 3, message: "execution reverted: Max supply exceeded", data: MAX_SUPPLY_REVERT },
    fault: "client",
  },
  {
    source: "older geth eth_estimateGas revert whose reason says exceeded",
    error: { code: -32000, message: "execution reverted: Max supply exceeded" },
    fault: "client",
  },
  {
    source: "Hardhat revert",
    error: {
      code: -32603,
      message:
        "Error: VM Exception while processing transaction: reverted with reason string 'Max supply exceeded'",
    },
    fault: "client",
  },
  {
    source: "Ganache revert",
    error: { code: -32000, message: "VM Exception while processing transaction: revert Max supply exceeded" },
    fault: "client",
  },
  {
    source: "geth revert with a custom error",
    error: { code: 3, message: "execution reverted", data: "0x82b42900" },
    fault: "client",
  },
  {
    source: "geth insufficient funds",
    error: {
      code: -32000,
      message: `insufficient funds for gas * price + value: address ${ADDRESS} have 0 want 1000`,
    },
    fault: "client",
  },
  {
    source: "geth nonce too low",
    error: { code: -32000, message: `nonce too low: address ${ADDRESS}, tx: 5 state: 7` },
    fault: "client",
  },
  { source: "geth already known", error: { code: -32000, message: "already known" }, fault: "client" },
  {
    source: "geth replacement underpriced",
    error: { code: -32000, message: "replacement transaction underpriced" },
    fault: "client",
  },
  {
    source: "geth fee cap below base fee",
    error: {
      code: -32000,
      message: `max fee per gas less than block base fee: address ${ADDRESS}, maxFeePerGas: 1000000000, baseFee: 7000000000`,
    },
    fault: "client",
  },
  {
    source: "geth intrinsic gas too low",
    error: { code: -32000, message: "intrinsic gas too low: have 21000, want 53000" },
    fault: "client",
  },
  {
    source: "geth gas required exceeds allowance",
    error: { code: -32000, message: "gas required exceeds allowance (30000000)" },
    fault: "client",
  },
  {
    source: "geth max code size exceeded",
    error: { code: -32000, message: "max code size exceeded" },
    fault: "client",
  },
  {
    source: "geth max initcode size exceeded",
    error: { code: -32000, message: "max initcode size exceeded: code size 49153, limit 49152" },
    fault: "client",
  },
  {
    source: "geth unknown method",
    error: { code: -32601, message: "the method eth_foo does not exist/is not available" },
    fault: "client",
  },
  {
    source: "geth bad address argument",
    error: {
      code: -32602,
      message: "invalid argument 0: hex string has length 3, want 40 for common.Address",
    },
    fault: "client",
  },
  {
    source: "geth too many arguments",
    error: { code: -32602, message: "too many arguments, want at most 2" },
    fault: "client",
  },
  {
    source: "Infura eth_getLogs result limit",
    error: {
      code: -32005,
      message: "query returned more than 10000 results. Try with this block range [0x10a2f40, 0x10a3c1e].",
      data: { from: "0x10a2f40", limit: 10000, to: "0x10a3c1e" },
    },
    fault: "client",
  },
  {
    // Was a node fault: the node's EVM limit stopped the client's own expensive call; it fails the same anywhere.
    source: "geth eth_call timeout",
    error: { code: -32000, message: "execution aborted (timeout = 5s)" },
    fault: "client",
  },
  {
    source: "Alchemy eth_getLogs response size",
    error: {
      code: -32602,
      message:
        "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters and the response size limit, this block range should work: [0x0, 0x1f3]",
    },
    fault: "client",
  },

  // The node's fault: unsynced, pruned, broken, or misconfigured credentials.
  { source: "geth header not found", error: { code: -32000, message: "header not found" }, fault: "node" },
  {
    source: "geth pruned state",
    error: {
      code: -32000,
      message:
        "missing trie node 5f2f1fd0f4c1b7ce8a8a1d2b0b9e6c5e3c4c2f1f0e9d8c7b6a5f4e3d2c1b0a99 (path ) <nil>",
    },
    fault: "node",
  },
  { source: "geth internal error", error: { code: -32603, message: "internal error" }, fault: "node" },
  { source: "geth handler panic", error: { code: -32603, message: "method handler crashed" }, fault: "node" },
  { source: "Alchemy bad key", error: { code: -32000, message: "Must be authenticated!" }, fault: "node" },
  {
    source: "Ankr missing key",
    error: {
      code: -32000,
      message:
        "Unauthorized: You must authenticate your request with an API key. Create an account on https://www.ankr.com/rpc/ and generate your personal API key for free.",
    },
    fault: "node",
  },

  // Throttled: the upstream's quota, not the client's request.
  {
    source: "Infura daily quota",
    error: { code: -32005, message: "daily request count exceeded, request rate limited" },
    fault: "throttled",
  },
  {
    source: "Infura rate",
    error: { code: -32005, message: "project ID request rate exceeded" },
    fault: "throttled",
  },
  {
    source: "Alchemy compute units",
    error: {
      code: 429,
      message:
        "Your app has exceeded its compute units per second capacity. If you have retries enabled, you can safely ignore this message. If not, check out https://docs.alchemy.com/reference/throughput",
    },
    fault: "throttled",
  },
  {
    source: "QuickNode rate",
    error: {
      code: -32007,
      message:
        "100/second request limit reached - reduce calls per second or upgrade your account at quicknode.com",
    },
    fault: "throttled",
  },
];

/**
 * Real provider messages that echo what the client sent (a method name, a param, tracer code), with
 * words a node uses about itself in it: all the client's, whatever the echoed words say.
 */
const ECHO_CASES: Case[] = [
  ...["x_upstream", "eth_upstreamTimeout", "connection unavailable", "backend_rateLimitExceeded"].map(
    (method): Case => ({
      source: `geth unknown method ${method}`,
      error: { code: -32601, message: `the method ${method} does not exist/is not available` },
      fault: "client",
    }),
  ),
  {
    source: "Infura unknown method",
    error: { code: -32601, message: "The method internal_error_timeout does not exist/is not available" },
    fault: "client",
  },
  {
    source: "Nethermind unsupported method",
    error: { code: -32601, message: "The method 'header not found' is not supported." },
    fault: "client",
  },
  {
    source: "Alchemy unsupported method",
    error: {
      code: -32600,
      message: "Unsupported method: upstream_unavailable. See available methods at https://docs.alchemy.com",
    },
    fault: "client",
  },
  {
    source: "reth invalid block tag quoting the client's string",
    error: {
      code: -32602,
      message:
        "unknown variant `upstream unavailable`, expected one of `latest`, `finalized`, `safe`, `earliest`, `pending`",
    },
    fault: "client",
  },
  {
    source: "geth invalid params quoting the client's string",
    error: { code: -32602, message: 'invalid argument 1: hex string "upstream unavailable; rate limit"' },
    fault: "client",
  },
  {
    source: "geth tracer error echoing the client's tracer code",
    error: { code: -32000, message: "ReferenceError: upstream is not defined at step (<eval>:1:20(5))" },
    fault: "client",
  },
  {
    source: "geth revert whose reason speaks of the upstream",
    error: { code: 3, message: "execution reverted: upstream connection timeout", data: "0x08c379a0" },
    fault: "client",
  },
  {
    source: "a -32000 that names the client's method",
    error: { code: -32000, message: "method upstream_timeout is not supported" },
    fault: "client",
  },
  {
    source: "a -32000 that starts with the client's quoted string",
    error: { code: -32000, message: '"header not found" is not a valid block tag' },
    fault: "client",
  },
  {
    source: "a -32000 with a node's words only after echoed input",
    error: { code: -32000, message: "unknown tracer upstreamTracer: connection refused" },
    fault: "client",
  },
];

const PROVIDER_NAMES = /alchemy|infura|quicknode|ankr|geth/i;

describe("normalizeRpcError", () => {
  test.each(CASES)("$source is a $fault fault", ({ error, fault }) => {
    expect(normalizeRpcError(error).fault).toBe(fault);
  });

  test.each(CASES.filter((c) => c.fault === "client"))(
    "$source passes through with code, message and data intact",
    ({ error }) => {
      expect(
        normalizeRpcError(error, secretsOf("https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456")),
      ).toEqual({
        fault: "client",
        error,
      });
    },
  );

  test.each(CASES.filter((c) => c.fault !== "client"))(
    "$source becomes a gateway error that does not repeat the provider",
    ({ error }) => {
      const normalized = normalizeRpcError(error);
      expect(normalized.error).toBeInstanceOf(GatewayError);
      const gatewayError = normalized.error as GatewayError;
      expect(gatewayError.code).toBe("upstream_unavailable");
      const shown = JSON.stringify(gatewayError.toJsonRpc());
      expect(shown).not.toContain(error.message);
      expect(shown).not.toMatch(PROVIDER_NAMES);
      expect(shown).not.toContain("http");
    },
  );

  test.each(ECHO_CASES)("$source is the client's fault, passed through with its code", ({ error }) => {
    const normalized = normalizeRpcError(error);
    expect(normalized.fault).toBe("client");
    expect(normalized.error).toMatchObject({ code: error.code, message: redact(error.message) });
  });

  test.each([
    { source: "geth request timed out", error: { code: -32002, message: "request timed out" } },
    { source: "a context deadline", error: { code: -32000, message: "context deadline exceeded" } },
  ])("$source is the node's timeout, shown as upstream_timeout", ({ error }) => {
    const normalized = normalizeRpcError(error);
    expect(normalized.fault).toBe("node");
    expect((normalized.error as GatewayError).code).toBe("upstream_timeout");
  });

  test.each([
    { error: { code: -32603, message: "the method x_upstream failed" }, fault: "node" },
    { error: { code: -32005, message: "the method x_upstream failed" }, fault: "throttled" },
    { error: { code: 429, message: "x_upstream" }, fault: "throttled" },
    { error: { code: -32000, message: "header not found" }, fault: "node" },
    { error: { code: -32000, message: "ReferenceError: rate limit is not defined" }, fault: "client" },
  ])("code $error.code decides before the text: $error.message is $fault", ({ error, fault }) => {
    expect(normalizeRpcError(error).fault).toBe(fault);
  });

  test("removes the method and string params the client sent before reading a -32000", () => {
    const error = { code: -32000, message: "backend unavailable is not supported" };
    expect(normalizeRpcError(error).fault).toBe("node");
    expect(normalizeRpcError(error, [], { method: "backend unavailable" }).fault).toBe("client");
    const echoed = { code: -32000, message: "missing trie node is not a block tag" };
    const sent = { method: "eth_getBalance", paramsRaw: '["0x00", "missing trie node"]' };
    expect(normalizeRpcError(echoed, [], sent).fault).toBe("client");
  });

  test("withoutEcho removes quoted text, the named method and what was sent", () => {
    expect(withoutEcho('the method x_upstream said "timeout" and `backend`')).toBe("the   said   and");
    expect(
      withoutEcho("upstream unavailable: a", { method: "x", paramsRaw: '[{"to":"upstream unavailable"}]' }),
    ).toBe(": a");
  });

  test("removes URLs and the upstream's secrets from a client error's message and data", () => {
    const secrets = secretsOf("https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456");
    const normalized = normalizeRpcError(
      {
        code: -32602,
        message:
          "invalid argument 0: https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456 refused key AbCdEf123456 for eth-mainnet.g.alchemy.com",
        data: {
          reason: "key AbCdEf123456",
          url: "wss://eth-mainnet.g.alchemy.com/v2/AbCdEf123456",
          limit: 5,
        },
      },
      secrets,
    );
    expect(normalized).toEqual({
      fault: "client",
      error: {
        code: -32602,
        message: "invalid argument 0: [redacted-url] refused key [redacted] for [redacted]",
        data: { reason: "key [redacted]", url: "[redacted-url]", limit: 5 },
      },
    });
  });

  test("removes the upstream's secrets from a client error's string data", () => {
    const normalized = normalizeRpcError(
      { code: 3, message: "execution reverted", data: "called via AbCdEf123456" },
      secretsOf("https://eth-mainnet.g.alchemy.com/v2/AbCdEf123456"),
    );
    expect(normalized.fault === "client" && normalized.error.data).toBe("called via [redacted]");
  });

  test("drops members of a client error other than code, message and data", () => {
    const error = {
      code: -32602,
      message: "invalid argument 0",
      stack: "at upstream.js:1",
    } as JsonRpcErrorObject;
    expect(normalizeRpcError(error).error).toEqual({ code: -32602, message: "invalid argument 0" });
  });
});

describe("normalizeHttpFailure", () => {
  test.each([
    { status: 429, fault: "throttled", code: "upstream_unavailable", httpStatus: 502 },
    { status: 502, fault: "node", code: "upstream_unavailable", httpStatus: 502 },
    { status: 503, fault: "node", code: "upstream_unavailable", httpStatus: 502 },
    { status: 504, fault: "node", code: "upstream_timeout", httpStatus: 504 },
    { status: 408, fault: "node", code: "upstream_timeout", httpStatus: 504 },
    { status: 0, fault: "node", code: "upstream_unavailable", httpStatus: 502 },
  ])("HTTP $status is a $fault fault shown as $code", ({ status, fault, code, httpStatus }) => {
    const failure = normalizeHttpFailure(status);
    expect([failure.fault, failure.error.code, failure.error.httpStatus]).toEqual([fault, code, httpStatus]);
  });

  test("names the status an upstream answered with", () => {
    expect(normalizeHttpFailure(503).error.message).toContain("HTTP 503");
  });

  test("says when the upstream's body was not JSON-RPC", () => {
    expect(normalizeHttpFailure(0).error.message).toContain("not JSON-RPC");
  });
});

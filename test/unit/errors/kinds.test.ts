/** Each kind of gateway error: its stable code, JSON-RPC code and HTTP status, and how it is shown. */
import { describe, expect, test } from "vitest";
import { GatewayError } from "../../../shared/errors/base";
import {
  BatchTooLargeError,
  BodyTooLargeError,
  ChainNotFoundError,
  ConflictError,
  InternalError,
  InvalidBodyError,
  InvalidParamsError,
  InvalidRequestError,
  LimitExceededError,
  LogsLimitError,
  MethodNotAllowedError,
  MethodNotFoundError,
  NotFoundError,
  NoUpstreamError,
  ParseError,
  toGatewayError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from "../../../shared/errors/kinds";

describe("error kinds", () => {
  test.each([
    [ParseError, "parse_error", -32700, 400],
    [InvalidRequestError, "invalid_request", -32600, 400],
    [BatchTooLargeError, "batch_too_large", -32600, 400],
    [BodyTooLargeError, "body_too_large", -32600, 413],
    [UnsupportedMediaTypeError, "unsupported_media_type", -32600, 415],
    [MethodNotFoundError, "method_not_found", -32601, 200],
    [MethodNotAllowedError, "method_not_allowed", -32601, 200],
    [InvalidParamsError, "invalid_params", -32602, 200],
    [LogsLimitError, "logs_limit_exceeded", -32602, 200],
    [UnauthorizedError, "unauthorized", -32016, 401],
    [ChainNotFoundError, "chain_not_found", -32010, 404],
    [LimitExceededError, "limit_exceeded", -32005, 429],
    [UpstreamTimeoutError, "upstream_timeout", -32011, 504],
    [UpstreamUnavailableError, "upstream_unavailable", -32012, 502],
    [NoUpstreamError, "no_upstream", -32013, 503],
    [InternalError, "internal_error", -32603, 500],
    [InvalidBodyError, "invalid_body", -32602, 400],
    [NotFoundError, "not_found", -32601, 404],
    [ConflictError, "conflict", -32600, 409],
  ])("%o has code %s, JSON-RPC code %i and HTTP status %i", (Kind, code, rpcCode, httpStatus) => {
    const error = new Kind("message");
    expect(error).toBeInstanceOf(GatewayError);
    expect([error.code, error.rpcCode, error.httpStatus]).toEqual([code, rpcCode, httpStatus]);
  });
});

describe("toJsonRpc", () => {
  test("gives the JSON-RPC code, the message and the stable code in data", () => {
    expect(new LimitExceededError("rate limit exceeded").toJsonRpc()).toEqual({
      code: -32005,
      message: "rate limit exceeded",
      data: { code: "limit_exceeded" },
    });
  });

  test("appends details to the message and merges data", () => {
    const error = new InvalidParamsError("invalid params", {
      details: "block range too large",
      data: { maxRange: 5000 },
    });
    expect(error.shortMessage).toBe("invalid params");
    expect(error.toJsonRpc()).toEqual({
      code: -32602,
      message: "invalid params: block range too large",
      data: { code: "invalid_params", maxRange: 5000 },
    });
  });

  test("keeps the stable code even when data carries a code of its own", () => {
    const error = new InvalidParamsError("invalid params", { data: { code: "something_else" } });
    expect(error.toJsonRpc().data).toEqual({ code: "invalid_params" });
  });

  test("never shows the cause", () => {
    const error = new UpstreamUnavailableError("upstream failed", { cause: new Error("key AbCdEf123456") });
    expect(JSON.stringify(error.toJsonRpc())).not.toContain("AbCdEf123456");
  });
});

describe("walk", () => {
  test("returns the first error in the cause chain that matches", () => {
    const root = new RangeError("root");
    const middle = new TypeError("middle", { cause: root });
    const error = new InternalError("outer", { cause: middle });
    expect(error.walk((e) => e instanceof RangeError)).toBe(root);
    expect(error.walk((e) => e instanceof Error)).toBe(error);
  });

  test("returns undefined when nothing matches", () => {
    expect(new InternalError("outer", { cause: "a string" }).walk(() => false)).toBeUndefined();
  });
});

describe("toGatewayError", () => {
  test("returns a gateway error as it is", () => {
    const error = new ChainNotFoundError("chain 999 is not served");
    expect(toGatewayError(error)).toBe(error);
  });

  test.each([
    ["an Error", new Error("D1_ERROR: no such table: api_keys")],
    ["a thrown string", "D1_ERROR: no such table: api_keys"],
  ])("hides the message of %s behind an internal error", (_, thrown) => {
    const error = toGatewayError(thrown);
    expect([error.code, error.rpcCode, error.httpStatus]).toEqual(["internal_error", -32603, 500]);
    expect(error.message).not.toContain("D1_ERROR");
    expect(JSON.stringify(error.toJsonRpc())).not.toContain("api_keys");
    expect(error.cause).toBe(thrown);
  });
});

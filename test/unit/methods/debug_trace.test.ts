import { describe, expect, test } from "vitest";
import type { RpcCall } from "../../../shared/jsonrpc/parse";
import { debug_traceCall, debug_traceTransaction } from "../../../shared/methods/debug_trace";
import type { ForwardContext } from "../../../shared/methods/hooks";

const context = {} as ForwardContext;
const call = (method: string, params: unknown[]): RpcCall => ({
  ok: true,
  method,
  params,
  paramsRaw: JSON.stringify(params),
  id: "1",
});
const plan = (c: RpcCall) =>
  (c.method === "debug_traceCall" ? debug_traceCall : debug_traceTransaction).before?.(c, context);
const TX = `0x${"ab".repeat(32)}`;

describe("debug_trace*: built-in tracers only, timeout clamped", () => {
  test.each<[unknown[], string]>([
    [[TX], "no options"],
    [[TX, {}], "empty options"],
    [[TX, { tracer: "callTracer", timeout: "5s" }], "a built-in tracer within the limit"],
    [[TX, { tracer: "prestateTracer", timeout: "10s" }], "exactly the limit"],
    [[TX, { timeout: "500ms" }], "the default struct logger with a short timeout"],
  ])("%j (%s) is forwarded unchanged", (params, _why) => {
    const c = call("debug_traceTransaction", params);
    expect(plan(c)).toEqual({ calls: [c] });
  });

  test.each([
    ["1h", "10s"],
    ["11s", "10s"],
    ["1m30s", "10s"],
    ["10001ms", "10s"],
  ])("a timeout of %s is clamped to %s, in the forwarded params and their raw text", (timeout, clamped) => {
    const [forwarded] = (
      plan(call("debug_traceCall", [{}, "latest", { tracer: "callTracer", timeout }])) as {
        calls: RpcCall[];
      }
    ).calls;
    expect(forwarded?.params).toEqual([{}, "latest", { tracer: "callTracer", timeout: clamped }]);
    expect(forwarded?.paramsRaw).toBe(
      JSON.stringify([{}, "latest", { tracer: "callTracer", timeout: clamped }]),
    );
  });

  test.each([
    [{ tracer: "{ result: function() { return 1; } }" }, /only the built-in tracers are served/],
    [{ tracer: 7 }, /only the built-in tracers are served/],
    [{ tracer: "CALLTRACER" }, /only the built-in tracers are served/],
    [{ timeout: "forever" }, /timeout must be a duration/],
    [{ timeout: 30 }, /timeout must be a duration/],
    ["callTracer", /must be an object/],
  ])("options %j are refused with -32602", (options, message) => {
    const result = plan(call("debug_traceTransaction", [TX, options]));
    expect(result && "error" in result && result.error.rpcCode).toBe(-32602);
    expect(result && "error" in result && result.error.message).toMatch(message);
  });
});

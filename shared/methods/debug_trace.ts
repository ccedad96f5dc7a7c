/**
 * @module
 * debug_traceTransaction, debug_traceCall, debug_traceBlockByNumber and debug_traceBlockByHash:
 * only the node's built-in tracers are served (a JavaScript tracer runs the client's code on a
 * shared node), and a trace's `timeout` is clamped to MAX_TRACE_TIMEOUT, so one call cannot hold a
 * node for long. Before forwarding, the tracer options are checked and the call rewritten. Pure.
 */
import { InvalidParamsError } from "../errors/kinds";
import type { RpcCall } from "../jsonrpc/parse";
import type { ForwardPlan, MethodHooks } from "./hooks";

/** geth's built-in tracers (erigon, reth and anvil serve the same names). */
export const BUILT_IN_TRACERS = [
  "callTracer",
  "prestateTracer",
  "4byteTracer",
  "flatCallTracer",
  "muxTracer",
  "noopTracer",
] as const;
const BUILT_IN = new Set<string>(BUILT_IN_TRACERS);
/** Longest a trace may run on the node, in seconds (geth's default is 5). */
export const MAX_TRACE_TIMEOUT_S = 10;
/** A Go duration: "500ms", "10s", "1m30s". */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const UNIT_S: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

function secondsOf(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(n) * (UNIT_S[unit as string] as number);
  }
  return total;
}

/** The call with its tracer options checked and its timeout clamped, or why it is refused. */
function traceOptions(position: number) {
  return (call: RpcCall): ForwardPlan => {
    const params = Array.isArray(call.params) ? [...call.params] : undefined;
    const options = params?.[position];
    if (!params || options === undefined || options === null) return { calls: [call] };
    if (typeof options !== "object" || Array.isArray(options)) {
      return { error: new InvalidParamsError(`${call.method}: the tracer options must be an object`) };
    }
    const { tracer, timeout } = options as { tracer?: unknown; timeout?: unknown };
    if (tracer !== undefined && !(typeof tracer === "string" && BUILT_IN.has(tracer))) {
      return {
        error: new InvalidParamsError(
          `${call.method}: only the built-in tracers are served (${BUILT_IN_TRACERS.join(", ")}), not JavaScript tracers`,
        ),
      };
    }
    if (timeout !== undefined && !(typeof timeout === "string" && DURATION.test(timeout))) {
      return { error: new InvalidParamsError(`${call.method}: timeout must be a duration such as "5s"`) };
    }
    if (typeof timeout !== "string" || secondsOf(timeout) <= MAX_TRACE_TIMEOUT_S) return { calls: [call] };
    params[position] = { ...options, timeout: `${MAX_TRACE_TIMEOUT_S}s` };
    return { calls: [{ ...call, params, paramsRaw: JSON.stringify(params) }] };
  };
}

export const debug_traceTransaction: MethodHooks = { before: traceOptions(1) };
export const debug_traceCall: MethodHooks = { before: traceOptions(2) };
export const debug_traceBlockByNumber: MethodHooks = { before: traceOptions(1) };
export const debug_traceBlockByHash: MethodHooks = { before: traceOptions(1) };

// The call stream most bench scenarios drive: uncacheable reads, what counts as an answer, and the
// autocannon options that send it. The cache scenarios (cache.mjs) build their streams from the same
// parts.
import { randomBytes } from "node:crypto";

/** One JSON-RPC call as a request body, with an id of its own (the cache answers whatever the id). */
let nextId = 1;
export const rpcCall = (method, params) =>
  `{"jsonrpc":"2.0","id":${nextId++},"method":"${method}","params":${JSON.stringify(params)}}`;

/** One eth_getBalance of an address never asked before, so no cache could answer it. */
export const freshCall = () => rpcCall("eth_getBalance", [`0x${randomBytes(20).toString("hex")}`, "latest"]);

/** A JSON-RPC answer counts only if it carries a result; an `error` member is a failure. */
export const isResult = (body) => body.includes('"result"') && !body.includes('"error"');

/**
 * autocannon options that POST the call stream to `url`; scenarios add their own handlers.
 * @param {{ url: string, seconds: number, connections: number }} options
 */
export const streamOptions = ({ url, seconds, connections }) => ({
  url,
  method: "POST",
  headers: { "content-type": "application/json" },
  connections,
  duration: seconds,
  timeout: 10,
});

/**
 * What run.mjs's drive sends and checks. `calls()` starts the sequence of request bodies over and
 * returns its next-body function: every segment, whichever Worker it drives, sends the same sequence.
 * `verify` tells an answer from a failure; `countCache` tallies the x-cache header of every response.
 * @typedef {{ label: string, calls: () => () => string, verify: (body: string) => boolean, countCache?: boolean }} CallStream
 */

/** @type {CallStream} The stream of the baseline and metering scenarios. */
export const FRESH_STREAM = {
  label: "eth_getBalance(fresh address, latest)",
  calls: () => freshCall,
  verify: isResult,
};

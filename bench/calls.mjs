// The call stream every bench scenario drives: uncacheable reads, what counts as an answer, and the
// autocannon options that send it.
import { randomBytes } from "node:crypto";

/** One eth_getBalance of an address never asked before, so no cache could answer it. */
let nextId = 1;
export function freshCall() {
  const address = `0x${randomBytes(20).toString("hex")}`;
  return `{"jsonrpc":"2.0","id":${nextId++},"method":"eth_getBalance","params":["${address}","latest"]}`;
}

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

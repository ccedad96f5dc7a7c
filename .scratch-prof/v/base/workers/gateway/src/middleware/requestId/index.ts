/**
 * @module
 * Request ids: the client's own `x-request-id` when it is a sane token, otherwise a cheap unique id
 * (a random per-isolate prefix and a counter: no crypto call per request).
 */
import type { MiddlewareHandler } from "hono";

const VALID = /^[\w\-.:=]{1,128}$/;
let prefix: string | undefined; // made on first use: workerd forbids random values at global scope
let counter = 0;

export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  if (given && VALID.test(given)) return given;
  prefix ??= Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}

export type RequestIdVariables = { requestId: string };

/** Sets `c.var.requestId` and the `x-request-id` response header. */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async function requestIdMiddleware(c, next) {
    const id = requestIdOf(c.req.raw.headers);
    c.set("requestId", id);
    await next();
    c.header("x-request-id", id);
  };
}

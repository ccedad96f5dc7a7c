/** The headers an authentication refusal adds to its error response: `retry-after` once an address is limited. */
import type { MiddlewareHandler } from "hono";
import { AuthRateLimitedError } from "../../../../shared/errors/kinds";
import { AUTH_RETRY_AFTER_S } from "./authLimit";

/** `retry-after` for AuthRateLimitedError; none for other errors. */
export function refusalHeaders(error: unknown): Record<string, string> {
  return error instanceof AuthRateLimitedError ? { "retry-after": String(AUTH_RETRY_AFTER_S) } : {};
}

/** For routes served by the router: adds refusalHeaders to the response the error handler made. */
export function refusalHeadersMiddleware(): MiddlewareHandler {
  return async function addRefusalHeaders(c, next) {
    await next();
    for (const [name, value] of Object.entries(refusalHeaders(c.error))) c.res.headers.set(name, value);
  };
}

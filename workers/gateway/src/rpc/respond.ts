/**
 * @module
 * The respond stage over HTTP: the pipeline's answers as a JSON-RPC response, with the headers that
 * say who answered (`x-upstream-id`, `x-upstream-attempts`, `x-cache`), the rate-limit headers, and
 * CORS for browsers. Failures an operator should see are logged, without upstream URLs.
 */
import type { GatewayError } from "../../../../shared/errors/base";
import { SanctionedTransactionError, ScreeningUnavailableError } from "../../../../shared/errors/kinds";
import { redact } from "../../../../shared/errors/redact";
import { errorEntry } from "../../../../shared/jsonrpc/serialize";
import { type Answer, responseOf } from "../../../../shared/pipeline/answers";
import type { PipelineResult } from "../../../../shared/pipeline/runPipeline";

const JSON_HEADERS = { "content-type": "application/json" };
/** Response headers a browser may read. */
export const EXPOSED_HEADERS = [
  "x-request-id",
  "x-upstream-id",
  "x-upstream-attempts",
  "x-cache",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "retry-after",
];
/** CORS is open, so browsers and wallets may call from any origin; only browsers (Origin set) need it. */
const CORS_HEADERS = {
  ...JSON_HEADERS,
  "access-control-allow-origin": "*",
  "access-control-expose-headers": EXPOSED_HEADERS.join(", "),
};

/** The headers every response to this request starts from. */
export function baseHeaders(request: Request, requestId: string): Record<string, string> {
  const base = request.headers.has("origin") ? CORS_HEADERS : JSON_HEADERS;
  return { ...base, "x-request-id": requestId };
}

export function respond(result: PipelineResult, base: Record<string, string>, requestId: string): Response {
  const headers = { ...base, ...result.headers };
  if (!result.ok) {
    if (result.error.httpStatus >= 500) logFailure(requestId, result.error, undefined);
    return errorResponse(result.error, headers);
  }
  const { single, answers, attempts } = result;
  whoAnswered(answers, headers, requestId);
  if (attempts !== undefined) headers["x-upstream-attempts"] = String(attempts);
  const body = responseOf(single, answers);
  if (body === undefined) {
    // A lone notification gets no body; when screening refused it, the status still says so.
    const error = single ? answers[0]?.error : undefined;
    const status =
      error instanceof SanctionedTransactionError || error instanceof ScreeningUnavailableError
        ? error.httpStatus
        : 204;
    return new Response(null, { status, headers });
  }
  return new Response(body, { status: single ? (answers[0]?.status ?? 200) : 200, headers });
}

/** `x-cache` and `x-upstream-id` of the answers (one entry each for most requests); server failures logged. */
function whoAnswered(answers: readonly Answer[], headers: Record<string, string>, requestId: string): void {
  const only = answers.length === 1 ? answers[0] : undefined;
  if (only) {
    headers["x-cache"] = only.cache;
    if (only.upstreamId) headers["x-upstream-id"] = only.upstreamId;
  } else {
    const upstreamIds = new Set<string>();
    for (const answer of answers) if (answer.upstreamId) upstreamIds.add(answer.upstreamId);
    headers["x-cache"] = answers.map((a) => a.cache).join(", ");
    if (upstreamIds.size > 0) headers["x-upstream-id"] = [...upstreamIds].join(", ");
  }
  for (const answer of answers) {
    if (answer.error && answer.status >= 500) logFailure(requestId, answer.error, answer.upstreamId);
  }
}

/** A request-level failure as a JSON-RPC error response with id null. */
export function errorResponse(error: GatewayError, headers: Record<string, string> = JSON_HEADERS): Response {
  return new Response(errorEntry("null", error.toJsonRpc()), { status: error.httpStatus, headers });
}

function logFailure(requestId: string, error: GatewayError, upstreamId: string | undefined) {
  const cause =
    error.cause instanceof Error ? `${error.cause.name}: ${redact(error.cause.message)}` : undefined;
  console.warn(JSON.stringify({ event: "rpc_failure", requestId, code: error.code, upstreamId, cause }));
}

/**
 * @module
 * POST /v1/:chain[/:key]: authenticate, resolve the chain, read and parse the body, answer, respond.
 */
import type { Context } from "hono";
import type { GatewayError } from "../../../../shared/errors/base";
import { BatchTooLargeError, ChainNotFoundError, toGatewayError } from "../../../../shared/errors/kinds";
import { redact } from "../../../../shared/errors/redact";
import { parseRequest } from "../../../../shared/jsonrpc/parse";
import { errorEntry } from "../../../../shared/jsonrpc/serialize";
import { extractKey } from "../auth/extractKey";
import { resolveKey } from "../auth/resolveKey";
import { resolveChain } from "../config/chains";
import { type Env, settingsOf } from "../env";
import { answerItems } from "./answer";
import { readBody } from "./readBody";

const JSON_HEADERS = { "content-type": "application/json" };

export async function handleRpc(c: Context<{ Bindings: Env }>): Promise<Response> {
  const env = c.env;
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  try {
    const key = await resolveKey(env, extractKey(c.req.param("key"), c.req.raw.headers), waitUntil);
    const slug = c.req.param("chain") as string;
    const chain = await resolveChain(env, slug, waitUntil);
    if (!chain) {
      throw new ChainNotFoundError(`unknown chain "${slug.slice(0, 64)}": check the chain name in the URL`);
    }
    const settings = settingsOf(env);
    const parsed = parseRequest(await readBody(c.req.raw, settings.maxBodyBytes));
    if (parsed.kind === "error") throw parsed.error;
    const items = parsed.kind === "single" ? [parsed.item] : parsed.items;
    if (items.length > key.maxBatch) {
      throw new BatchTooLargeError(
        `batch of ${items.length} requests exceeds this plan's limit of ${key.maxBatch}: split it into smaller batches`,
      );
    }
    const { answers, upstreamId } = await answerItems({
      items,
      key,
      chain,
      timeoutMs: settings.upstreamTimeoutMs,
    });
    for (const answer of answers)
      if (answer.error && answer.status >= 500) logFailure(c, answer.error, upstreamId);
    if (upstreamId) c.header("x-upstream-id", upstreamId);
    const entries = answers.flatMap((a) => (a.entry === undefined ? [] : [a.entry]));
    if (entries.length === 0) return c.body(null, 204);
    if (parsed.kind === "single")
      return c.body(entries[0] as string, (answers[0]?.status ?? 200) as 200, JSON_HEADERS);
    return c.body(`[${entries.join(",")}]`, 200, JSON_HEADERS);
  } catch (err) {
    const error = toGatewayError(err);
    if (error.httpStatus >= 500) logFailure(c, error, undefined);
    return errorResponse(c, error);
  }
}

export function errorResponse(c: Context, error: GatewayError): Response {
  return c.body(errorEntry("null", error.toJsonRpc()), error.httpStatus as 400, JSON_HEADERS);
}

function logFailure(c: Context, error: GatewayError, upstreamId: string | undefined) {
  const cause =
    error.cause instanceof Error ? `${error.cause.name}: ${redact(error.cause.message)}` : undefined;
  console.warn(
    JSON.stringify({
      event: "rpc_failure",
      requestId: c.get("requestId"),
      code: error.code,
      upstreamId,
      cause,
    }),
  );
}

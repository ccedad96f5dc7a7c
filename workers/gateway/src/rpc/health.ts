/**
 * @module
 * GET /v1/:chain/health (key in x-api-key or Authorization, or /v1/:chain/:key/health): the
 * chain's upstreams as this isolate sees them. Probes first, so a cold isolate reports real data.
 */
import { extractKey } from "../auth/extractKey";
import { resolveKey } from "../auth/resolveKey";
import { resolveRpcChain } from "../config/chains";
import type { Env } from "../env";
import { healthReport } from "../routing/healthReport";
import { probeChain } from "../routing/probe";

export interface HandleHealthParameters {
  request: Request;
  env: Env;
  waitUntil: (p: Promise<unknown>) => void;
  chain: string;
  key: string | undefined;
}

export async function handleHealth({ request, env, waitUntil, chain, key }: HandleHealthParameters) {
  await resolveKey(env, extractKey(key, request.headers), waitUntil);
  const config = await resolveRpcChain(env, chain, waitUntil);
  await probeChain(env.CONFIG_KV, config, waitUntil);
  return healthReport(config);
}

/**
 * @module
 * GET /v1/:chain/health (key in x-api-key or Authorization, or /v1/:chain/:key/health): the
 * chain's upstreams as this isolate sees them. Probes first, so a cold isolate reports real data.
 */

import { resolveRpcChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { healthReport } from "../../../../shared/routing/healthReport";
import { probeChain } from "../../../../shared/routing/probe";
import { authenticate } from "../auth/authenticate";

export interface HandleHealthParameters {
  request: Request;
  env: Env;
  waitUntil: (p: Promise<unknown>) => void;
  chain: string;
  key: string | undefined;
}

export async function handleHealth({ request, env, waitUntil, chain, key }: HandleHealthParameters) {
  await authenticate({ env, headers: request.headers, pathKey: key, waitUntil });
  const config = await resolveRpcChain(env, chain, waitUntil);
  await probeChain(env.CONFIG_KV, config, waitUntil);
  return healthReport(config);
}

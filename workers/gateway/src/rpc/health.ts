/**
 * @module
 * GET /v1/:chain/health (key in x-api-key or Authorization, or /v1/:chain/:key/health): the
 * chain's upstreams as this isolate sees them, for the endpoint's fixed CU, under the key's origin,
 * address and chain lists. Probes first, so a cold
 * isolate reports real data.
 */

import { resolveRpcChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { healthReport } from "../../../../shared/routing/healthReport";
import { probeChain } from "../../../../shared/routing/probe";
import { authenticate } from "../auth/authenticate";
import { gate } from "../auth/gate";
import { metered } from "../data/metered";

export interface HandleHealthParameters {
  request: Request;
  env: Env;
  waitUntil: (p: Promise<unknown>) => void;
  chain: string;
  key: string | undefined;
}

export async function handleHealth({ request, env, waitUntil, chain, key }: HandleHealthParameters) {
  const found = await authenticate({ env, headers: request.headers, pathKey: key, waitUntil });
  const config = await resolveRpcChain(env, chain, waitUntil);
  const { key: context } = await gate(env, found, request.headers, config.slug);
  return metered({
    env,
    key: context,
    endpoint: "health",
    chain: config.slug,
    waitUntil,
    serve: async () => {
      await probeChain(env.CONFIG_KV, config, waitUntil);
      return healthReport(config);
    },
  });
}

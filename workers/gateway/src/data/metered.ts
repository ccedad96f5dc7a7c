/**
 * @module
 * The authenticated endpoints other than JSON-RPC (usage, prices, validators, health) are metered as
 * a call is: a fixed CU (shared/metering/computeUnits.ts) admitted from the key's lease, counted in
 * usage under the endpoint's name, with the x-ratelimit-* headers; over a limit, the same 429,
 * JSON-RPC error body and Retry-After as a JSON-RPC request.
 */
import { type Env, settingsOf } from "../../../../shared/config/env";
import { GatewayError } from "../../../../shared/errors/base";
import type { KeyContext } from "../../../../shared/keys/resolveKey";
import { admit } from "../../../../shared/metering/admit";
import { ENDPOINT_CU, type Endpoint } from "../../../../shared/metering/computeUnits";
import { recordUsage } from "../../../../shared/metering/report";
import { dayOf } from "../../../../shared/metering/usage";
import { errorResponse } from "../rpc/respond";

const JSON_HEADERS = { "content-type": "application/json" };

export interface MeteredParameters {
  env: Env;
  key: KeyContext;
  endpoint: Endpoint;
  /** The chain the request is about (health); "" for the others. */
  chain: string;
  waitUntil: (p: Promise<unknown>) => void;
  /** The response body, once admitted. */
  serve: () => Promise<unknown>;
}

/** The endpoint's JSON answer, or its error, with the rate-limit headers; refused over a limit. */
export async function metered({ env, key, endpoint, chain, waitUntil, serve }: MeteredParameters) {
  const cost = ENDPOINT_CU[endpoint];
  const leaseSeconds = settingsOf(env).meterLeaseMs / 1000;
  const admission = await admit({ env, key, cost, leaseSeconds, waitUntil });
  const headers = { ...JSON_HEADERS, ...admission.headers };
  if (admission.error) return errorResponse(admission.error, headers);
  let failed = true;
  try {
    const body = await serve();
    failed = false;
    return new Response(JSON.stringify(body), { status: 200, headers });
  } catch (err) {
    // The client's errors keep the headers here; anything else goes to the router's error handler.
    if (err instanceof GatewayError && err.httpStatus < 500) return errorResponse(err, headers);
    throw err;
  } finally {
    const row = { day: dayOf(Date.now()), keyId: key.keyId, chain, family: endpoint };
    recordUsage(env, key.tenantId, [{ ...row, requests: 1, cu: cost, errors: failed ? 1 : 0 }], waitUntil);
  }
}

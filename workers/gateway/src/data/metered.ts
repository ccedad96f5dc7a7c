/**
 * @module
 * The authenticated endpoints other than JSON-RPC (usage, prices, validators, health) are metered as
 * a call is: a fixed CU (shared/metering/computeUnits.ts) admitted from the key's lease, counted in
 * usage under the endpoint's name, with the x-ratelimit-* headers; over a limit, the same 429,
 * JSON-RPC error body and Retry-After as a JSON-RPC request.
 */
import { type Env, settingsOf } from "../../../../shared/config/env";
import { GatewayError } from "../../../../shared/errors/base";
import { toGatewayError } from "../../../../shared/errors/kinds";
import type { KeyContext } from "../../../../shared/keys/resolveKey";
import { admit } from "../../../../shared/metering/admit";
import { ENDPOINT_CU, type Endpoint } from "../../../../shared/metering/computeUnits";
import { errorsOf } from "../../../../shared/metering/keyErrors";
import { recordErrors, recordUsage } from "../../../../shared/metering/report";
import { dayOf } from "../../../../shared/metering/usage";
import { errorResponse } from "../rpc/respond";

const JSON_HEADERS = { "content-type": "application/json" };

export interface MeteredParameters<T> {
  env: Env;
  key: KeyContext;
  endpoint: Endpoint;
  /** The chain the request is about (health); "" for the others. */
  chain: string;
  waitUntil: (p: Promise<unknown>) => void;
  /** The response body, once admitted. */
  serve: () => Promise<T>;
}

/** What a metered endpoint served, or the client's error; either with the rate-limit headers. */
export type Metered<T> =
  | { ok: true; value: T; headers: Record<string, string> }
  | { ok: false; error: GatewayError; headers: Record<string, string> };

/** The endpoint's JSON answer, or its error, with the rate-limit headers; refused over a limit. */
export async function metered<T>(p: MeteredParameters<T>): Promise<Response> {
  const served = await meteredValue(p);
  const headers = { ...JSON_HEADERS, ...served.headers };
  if (!served.ok) return errorResponse(served.error, headers);
  return new Response(JSON.stringify(served.value), { status: 200, headers });
}

/**
 * Admits the endpoint's fixed CU, serves it and counts it in usage (an error by its code too).
 * Resolves with the value or the client's error (4xx); throws what the service failed (5xx).
 */
export async function meteredValue<T>(p: MeteredParameters<T>): Promise<Metered<T>> {
  const { env, key, endpoint, chain, waitUntil, serve } = p;
  const cost = ENDPOINT_CU[endpoint];
  const leaseSeconds = settingsOf(env).meterLeaseMs / 1000;
  const admission = await admit({ env, key, cost, leaseSeconds, waitUntil });
  const headers = admission.headers;
  const errorsAs = (code: number) =>
    errorsOf({ answers: undefined, failedWith: code, calls: 1, keyId: key.keyId, now: Date.now() });
  if (admission.error) {
    recordErrors(env, key.tenantId, errorsAs(admission.error.rpcCode), waitUntil);
    return { ok: false, error: admission.error, headers };
  }
  let failure: unknown;
  try {
    return { ok: true, value: await serve(), headers };
  } catch (err) {
    failure = err;
    // The client's errors keep the headers here; anything else goes to the router's error handler.
    if (err instanceof GatewayError && err.httpStatus < 500) return { ok: false, error: err, headers };
    throw err;
  } finally {
    const failed = failure !== undefined;
    const row = { day: dayOf(Date.now()), keyId: key.keyId, chain, family: endpoint };
    const errors = failed ? errorsAs(toGatewayError(failure).rpcCode) : [];
    const usage = [{ ...row, requests: 1, cu: cost, errors: failed ? 1 : 0 }];
    recordUsage(env, key.tenantId, usage, waitUntil, errors);
  }
}

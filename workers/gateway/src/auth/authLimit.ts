/**
 * @module
 * Failed authentications per client address, counted by the AUTH_LIMITER binding (50 per 60 s per
 * address and location, wrangler.toml). An address over the limit is refused with 429 before any
 * KV or D1 read, except for keys this isolate already knows to be valid.
 */
import type { Env } from "../../../../shared/config/env";
import type { GatewayError } from "../../../../shared/errors/base";
import { AuthRateLimitedError } from "../../../../shared/errors/kinds";
import { TtlCache } from "../../../../shared/isolate/ttlCache";

/** The binding's period, in seconds: a limited address is told to come back after it. */
export const AUTH_RETRY_AFTER_S = 60;
/** Addresses the binding refused. Bound: 10,000 (the first-added goes); lifetime: AUTH_RETRY_AFTER_S. */
const limited = new TtlCache<true>(10_000);

/**
 * The client's address as Cloudflare's edge gives it. Every request through the edge has it; one
 * without it (a local run, a test) is not counted: one shared count would let any client lock out
 * every other one.
 */
export function clientAddress(headers: Headers): string | undefined {
  return headers.get("cf-connecting-ip") ?? undefined;
}

/** Throws AuthRateLimitedError when this address went over the limit within the last period. No I/O. */
export function refuseIfLimited(address: string | undefined): void {
  if (address !== undefined && limited.get(address)) throw authRateLimited();
}

/**
 * Counts one failed authentication from this address: the error to answer with, `failure` itself
 * while the address is under the limit, AuthRateLimitedError once over it.
 */
export async function countFailure(
  env: Env,
  address: string | undefined,
  failure: GatewayError,
): Promise<GatewayError> {
  if (address === undefined) return failure;
  if (limited.get(address)) return authRateLimited();
  if (await underLimit(env, address)) return failure;
  limited.set(address, true, AUTH_RETRY_AFTER_S * 1000);
  return authRateLimited();
}

/** Counts one failure with the binding. It is a guard, not the lock: when it cannot answer, the 401 stands. */
async function underLimit(env: Env, address: string): Promise<boolean> {
  try {
    return (await env.AUTH_LIMITER.limit({ key: address })).success;
  } catch {
    return true;
  }
}

function authRateLimited() {
  return new AuthRateLimitedError(
    `too many failed authentications from this address: retry in ${AUTH_RETRY_AFTER_S} s with a valid API key`,
    { data: { retryAfter: AUTH_RETRY_AFTER_S } },
  );
}

/**
 * @module
 * The authenticate stage for every /v1 request that carries an API key (JSON-RPC, WebSocket
 * upgrades, health, usage, prices, validators): the key's context, with failures limited per address.
 */
import type { Env } from "../../../../shared/config/env";
import { UnauthorizedError } from "../../../../shared/errors/kinds";
import { type KeyContext, resolveKey } from "../../../../shared/keys/resolveKey";
import { clientAddress, countFailure, refuseIfLimited } from "./authLimit";
import { extractKey } from "./extractKey";

export interface AuthenticateParameters {
  env: Env;
  headers: Headers;
  /** The key in the path, if the route has one; else the headers are searched. */
  pathKey: string | undefined;
  waitUntil: (p: Promise<unknown>) => void;
}

/**
 * The key's context. A key this isolate knows to be valid is served from any address; others, from
 * an address over the failure limit, get 429 without a KV or D1 read; each 401 is counted.
 */
export async function authenticate({
  env,
  headers,
  pathKey,
  waitUntil,
}: AuthenticateParameters): Promise<KeyContext> {
  const address = clientAddress(headers);
  try {
    return await resolveKey(env, extractKey(pathKey, headers), waitUntil, {
      beforeLookup: () => refuseIfLimited(address),
    });
  } catch (err) {
    if (err instanceof UnauthorizedError) throw await countFailure(env, address, err);
    throw err;
  }
}

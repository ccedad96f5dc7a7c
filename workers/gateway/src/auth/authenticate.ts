/**
 * @module
 * The authenticate stage for every /v1 request that carries an API key (JSON-RPC, WebSocket
 * upgrades, health, usage, prices, validators): the key's context, with failures limited per address.
 */
import { type ChainConfig, resolveRpcChain } from "../../../../shared/config/chains";
import type { Env } from "../../../../shared/config/env";
import { UnauthorizedError } from "../../../../shared/errors/kinds";
import { type FirstRead, firstRead } from "../../../../shared/keys/firstRead";
import { type KeyContext, keyHashOf, resolveKey, resolveKeyHash } from "../../../../shared/keys/resolveKey";
import { seedWith } from "../../../../shared/routing/seedHealth";
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

export interface AuthenticateRpcParameters extends AuthenticateParameters {
  /** The chain the request names. */
  slug: string;
}

/**
 * The key's context and the chain of a JSON-RPC request. What this isolate does not hold of the key,
 * the chain and the chain's health snapshot is read in one bulk KV read (shared/keys/firstRead.ts):
 * a cold isolate's first call of a known key makes one KV round trip, a warm one none. Failures are
 * limited and counted as in `authenticate`; an unknown chain is not an authentication failure.
 */
export async function authenticateRpc({
  env,
  headers,
  pathKey,
  slug,
  waitUntil,
}: AuthenticateRpcParameters): Promise<{ key: KeyContext; chain: ChainConfig }> {
  const address = clientAddress(headers);
  const beforeLookup = () => refuseIfLimited(address);
  let key: KeyContext;
  let read: FirstRead;
  try {
    const hashing = keyHashOf(extractKey(pathKey, headers));
    const hash = typeof hashing === "string" ? hashing : await hashing;
    const reading = firstRead({ env, hash, slug, beforeLookup });
    read = reading instanceof Promise ? await reading : reading;
    key = await resolveKeyHash(env, hash, waitUntil, { beforeLookup, prefetched: read.key });
  } catch (err) {
    if (err instanceof UnauthorizedError) throw await countFailure(env, address, err);
    throw err;
  }
  const chain = await resolveRpcChain(env, slug, waitUntil, read.chain);
  if (read.health !== undefined) seedWith(chain, read.health);
  return { key, chain };
}

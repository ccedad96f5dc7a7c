/**
 * @module
 * The key of a request to an endpoint that serves no chain (usage, prices, validators, the
 * dashboard): authenticated (authenticate.ts, with failures counted per address) and passed through
 * its lists and JWT (gate.ts), exactly as for JSON-RPC.
 */
import type { Env } from "../../../../shared/config/env";
import type { KeyContext } from "../../../../shared/keys/resolveKey";
import { authenticate } from "./authenticate";
import { gate } from "./gate";

export interface RequestKeyParameters {
  env: Env;
  headers: Headers;
  /** The key when the request carries it elsewhere than its headers (a form's field); else the headers are searched. */
  key: string | undefined;
  waitUntil: (p: Promise<unknown>) => void;
}

/** The key's context as its JWT narrows it; throws the API's refusal (401, 403, 429). */
export async function requestKey({
  env,
  headers,
  key,
  waitUntil,
}: RequestKeyParameters): Promise<KeyContext> {
  const found = await authenticate({ env, headers, pathKey: key, waitUntil });
  return (await gate(env, found, headers, null)).key;
}

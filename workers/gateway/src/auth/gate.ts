/**
 * @module
 * The key's lists and JWTs at the door of a gateway request (shared/keys/keyGate.ts), with a wrong
 * key secret or an invalid JWT counted against the client's address like any other failed
 * authentication.
 */
import type { Env } from "../../../../shared/config/env";
import { JwtInvalidError, UnauthorizedError } from "../../../../shared/errors/kinds";
import { gateRequest, type Passed, type RequestFacts, requestFacts } from "../../../../shared/keys/keyGate";
import type { KeyContext } from "../../../../shared/keys/resolveKey";
import { clientAddress, countFailure } from "./authLimit";

/** The request's facts, the rules its calls must meet (undefined when none apply), and the key as its JWT narrows it. */
export async function gate(
  env: Env,
  key: KeyContext,
  headers: Headers,
  chain: string | null,
): Promise<Passed & { facts: RequestFacts }> {
  const facts = requestFacts(headers, chain);
  try {
    return { facts, ...(await gateRequest(key, facts)) };
  } catch (err) {
    if (err instanceof UnauthorizedError || err instanceof JwtInvalidError) {
      throw await countFailure(env, clientAddress(headers), err);
    }
    throw err;
  }
}

/**
 * @module
 * The key's lists at the door of a gateway request (shared/keys/keyGate.ts), with a wrong key
 * secret counted against the client's address like any other failed authentication.
 */
import type { Env } from "../../../../shared/config/env";
import { UnauthorizedError } from "../../../../shared/errors/kinds";
import { gateRequest, type RequestFacts, requestFacts } from "../../../../shared/keys/keyGate";
import type { CompiledRules } from "../../../../shared/keys/keyRules";
import type { KeyContext } from "../../../../shared/keys/resolveKey";
import { clientAddress, countFailure } from "./authLimit";

/** The request's facts, and the rules its calls must meet (undefined when none apply). */
export async function gate(
  env: Env,
  key: KeyContext,
  headers: Headers,
  chain: string | null,
): Promise<{ facts: RequestFacts; rules: CompiledRules | undefined }> {
  const facts = requestFacts(headers, chain);
  try {
    return { facts, rules: await gateRequest(key, facts) };
  } catch (err) {
    if (err instanceof UnauthorizedError) throw await countFailure(env, clientAddress(headers), err);
    throw err;
  }
}

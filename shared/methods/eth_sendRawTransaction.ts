/**
 * eth_sendRawTransaction is never hedged. When an earlier attempt may have reached a node (it timed
 * out, or the node failed after reading it), the next upstream may answer "already known" or "nonce
 * too low" for this very transaction: that is success, and the client gets the transaction hash
 * instead of an error about its own transaction (erpc PR #336). "nonce too low" is only taken as
 * success once the node shows it has the transaction.
 */
import { type Hex, isHex, keccak256 } from "viem";
import type { MethodHooks, OutcomeHook } from "./hooks";

const ALREADY_KNOWN =
  /already known|known transaction|already imported|already in (?:the )?(?:mempool|pool)/i;
const NONCE_TOO_LOW = /nonce too low|nonce has already been used|old nonce/i;

const alreadySent: OutcomeHook = async (call, outcome, { upstream, earlierAttempts, send, timeoutMs }) => {
  if (earlierAttempts === 0 || outcome.ok || outcome.fault !== "client") return outcome;
  const raw = Array.isArray(call.params) ? call.params[0] : undefined;
  if (!isHex(raw) || raw.length < 4) return outcome;
  const hash = keccak256(raw as Hex);
  const success = { ok: true, resultRaw: JSON.stringify(hash) } as const;
  if (ALREADY_KNOWN.test(outcome.error.message)) return success;
  if (!NONCE_TOO_LOW.test(outcome.error.message) || timeoutMs < 1) return outcome;
  const found = await send(
    upstream,
    { method: "eth_getTransactionByHash", paramsRaw: JSON.stringify([hash]) },
    timeoutMs,
  );
  return found.ok && found.resultRaw !== "null" ? success : outcome;
};

export const eth_sendRawTransaction: MethodHooks = { afterAttempt: alreadySent };

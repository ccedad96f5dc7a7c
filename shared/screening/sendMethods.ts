/**
 * @module
 * Which methods send transactions, and the refusal of those screening cannot decode. A send method
 * has a word of its name that starts with "send", "submit" or "broadcast" (`mev_sendBundle`,
 * `eth_sendUserOperation`, `blxr_submit_bundle`, `eth_privateSendTransaction`, QuickNode's
 * `qn_broadcastRawTransaction`), in any letter case, or a name ending in a word `tx` or `txs`
 * (bloXroute's `blxr_tx`, `blxr_batch_tx`, `bsc_private_tx`, `polygon_private_tx`), or is geth's
 * `eth_resend`. Cancelling one (`eth_cancelPrivateTransaction`, `eth_cancelBundle`) sends nothing.
 * Those whose transactions shared/screening/submissions.ts decodes are screened; any other is refused
 * unless the key's plan lists it in `unscreenedSends`. Pure.
 */
import type { GatewayError } from "../errors/base";
import { MethodNotAllowedError } from "../errors/kinds";

/** A word (after the start or an underscore) starting with send, submit or broadcast, in any case. */
const SEND_WORD = /(?:^|_)(?:send|submit|broadcast)/i;
/** A camel-case word Send, Submit or Broadcast: `xSendTransaction`, not `BySender`. */
const SEND_CAMEL = /[a-z0-9](?:Send|Submit|Broadcast)(?:[A-Z0-9_]|$)/;
/** A last word tx or txs: `blxr_tx`, `bsc_private_tx`, `blxr_batch_tx`. */
const TX_WORD = /_txs?$/i;
/** Methods that send transactions under other names. */
const SENDS_BY_NAME = /^eth_resend$/i;

/** Whether `method` sends transactions, by its name alone. */
export function isSendMethod(method: string): boolean {
  return (
    SEND_WORD.test(method) || SEND_CAMEL.test(method) || TX_WORD.test(method) || SENDS_BY_NAME.test(method)
  );
}

/**
 * The refusal of a send method the gateway cannot decode, or undefined when the plan lets it through
 * unscreened (`unscreenedSends` names it, in any letter case).
 */
export function unscreenableSend(
  method: string,
  unscreenedSends: readonly string[],
): GatewayError | undefined {
  const lower = method.toLowerCase();
  if (unscreenedSends.some((allowed) => allowed.toLowerCase() === lower)) return undefined;
  return new MethodNotAllowedError(
    `method ${method} is not served on this plan: the gateway cannot screen the transactions it sends; sign each transaction and send it with eth_sendRawTransaction (or eth_sendBundle), or ask the operator to allow ${method} unscreened for this plan`,
    { data: { method } },
  );
}

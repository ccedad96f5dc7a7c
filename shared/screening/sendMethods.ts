/**
 * @module
 * Which methods send transactions, and the refusal of those screening cannot decode. A send method
 * has a word of its name that starts with "send" or "submit" (`mev_sendBundle`,
 * `eth_sendUserOperation`, `blxr_submit_bundle`, `eth_privateSendTransaction`), in any letter case,
 * or is one known by name (geth's `eth_resend`, bloXroute's `blxr_tx`). Those whose transactions
 * shared/screening/submissions.ts decodes are screened; any other is refused unless the key's plan
 * lists it in `unscreenedSends`. Pure.
 */
import type { GatewayError } from "../errors/base";
import { MethodNotAllowedError } from "../errors/kinds";

/** A word (after the start or an underscore) starting with send or submit, in any case. */
const SEND_WORD = /(?:^|_)(?:send|submit)/i;
/** A camel-case word Send or Submit: `xSendTransaction`, not `BySender`. */
const SEND_CAMEL = /[a-z0-9](?:Send|Submit)(?:[A-Z0-9_]|$)/;
/** Methods that send transactions under other names. */
const SENDS_BY_NAME = /^(?:eth_resend|blxr_tx|blxr_batch_tx|blxr_private_tx)$/i;

/** Whether `method` sends transactions, by its name alone. */
export function isSendMethod(method: string): boolean {
  return SEND_WORD.test(method) || SEND_CAMEL.test(method) || SENDS_BY_NAME.test(method);
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

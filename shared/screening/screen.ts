/**
 * @module
 * Screening's second half, once the request is admitted: the transactions each call submits
 * (eth_sendRawTransaction, its conditional/sync/private variants and bundles; single, batch item,
 * notification, over HTTP or WebSocket), already decoded within the caps
 * (shared/screening/decodeSends.ts), have their signatures recovered, and their sender, recipient,
 * and EIP-7702 delegates and authorization signers are checked against the current sanctions set
 * before any upstream sees them. A hit is written to the audit log and, on a plan that blocks (the
 * default), refused; a plan that flags sends it on.
 */

import { recordScreening } from "../audit/log";
import { type Env, settingsOf } from "../config/env";
import type { GatewayError } from "../errors/base";
import { InvalidParamsError, SanctionedTransactionError, ScreeningUnavailableError } from "../errors/kinds";
import { redact } from "../errors/redact";
import type { KeyContext } from "../keys/resolveKey";
import type { DecodedCall } from "./decodeSends";
import { listedParty, recoverParties, type SignedTransaction } from "./parties";
import { currentSanctions, type Sanctions } from "./sanctionsSet";

/** The refusals of the decoded calls, by item index: a call is refused at its first refused transaction. */
export async function screenTransactions(
  env: Env,
  decoded: readonly DecodedCall[],
  key: KeyContext,
  chain: string,
): Promise<Map<number, GatewayError>> {
  const refusals = new Map<number, GatewayError>();
  if (decoded.length === 0) return refusals;
  const sanctions = await currentSanctions(env.CONFIG_KV);
  for (const { index, txs } of decoded) {
    for (const tx of txs) {
      const refusal = sanctions ? await screenOne(env, tx, sanctions, key, chain) : unscreened(env);
      if (refusal) {
        refusals.set(index, refusal);
        break;
      }
    }
  }
  return refusals;
}

/** With no snapshot yet: refused, unless the deployment lets transactions through unscreened. */
function unscreened(env: Env): GatewayError | undefined {
  if (settingsOf(env).screeningWithoutSnapshot === "allow") return undefined;
  return new ScreeningUnavailableError(
    "no sanctions snapshot is loaded yet, so transactions cannot be screened; retry in a few minutes",
    { data: { reason: "no sanctions snapshot" } },
  );
}

async function screenOne(
  env: Env,
  signed: SignedTransaction,
  sanctions: Sanctions,
  key: KeyContext,
  chain: string,
): Promise<GatewayError | undefined> {
  let tx: Awaited<ReturnType<typeof recoverParties>>;
  try {
    tx = await recoverParties(signed);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    return new InvalidParamsError(`a signature of the submitted transaction does not recover: ${why}`);
  }
  const hit = listedParty(tx.parties, sanctions.addresses);
  if (!hit) return undefined;
  // Anything but an explicit "flag" blocks.
  const block = key.screening !== "flag";
  const reason = `the transaction's ${hit.role} ${hit.address} is on the sanctions list`;
  const recorded = await recordScreening(env, {
    actor: `key:${key.keyId}`,
    action: block ? "transaction.refused" : "transaction.flagged",
    target: tx.hash,
    after: {
      tenantId: key.tenantId,
      keyId: key.keyId,
      chain,
      txHash: tx.hash,
      address: hit.address,
      role: hit.role,
      snapshotVersion: sanctions.version,
    },
  }).then(
    () => true,
    (err) => {
      console.error(
        JSON.stringify({ event: "screening_audit_failed", txHash: tx.hash, error: redact(String(err)) }),
      );
      return false;
    },
  );
  // A decision is acted on only once its record is written: no refusal or flag goes unrecorded.
  if (!recorded) {
    return new ScreeningUnavailableError(
      `the screening decision on this transaction could not be recorded; nothing was sent, retry`,
      { data: { reason: "audit log unavailable" } },
    );
  }
  if (!block) return undefined;
  return new SanctionedTransactionError(`transaction refused: ${reason}`, {
    data: { reason, address: hit.address, role: hit.role, snapshotVersion: sanctions.version },
  });
}

/**
 * @module
 * Screening: each transaction a request submits (eth_sendRawTransaction in any spelling, its
 * conditional/sync/private variants and bundles; single, batch item, notification, over HTTP or
 * WebSocket) is decoded, within the caps on how many signatures one call may make the gateway
 * recover, and its sender, recipient, and EIP-7702 delegates and authorization signers checked
 * against the current sanctions set before any upstream sees it. A hit is written to the audit log
 * and, on a plan that blocks (the default), refused; a plan that flags sends it on. A send method
 * the gateway cannot decode is refused unless the key's plan lets it through unscreened.
 */

import { dbOf } from "../../db/client";
import { commitWithAudit } from "../audit/log";
import { type Env, settingsOf } from "../config/env";
import type { GatewayError } from "../errors/base";
import { InvalidParamsError, SanctionedTransactionError, ScreeningUnavailableError } from "../errors/kinds";
import { redact } from "../errors/redact";
import type { RpcCall, RpcItem } from "../jsonrpc/parse";
import type { KeyContext } from "../keys/resolveKey";
import { type DecodedSubmission, decodeSubmission } from "./decodeSubmission";
import { listedParty, recoverParties, type SignedTransaction } from "./parties";
import { currentSanctions, type Sanctions } from "./sanctionsSet";
import { isSendMethod, unscreenableSend } from "./sendMethods";
import { submittedTransactions } from "./submissions";

/**
 * The refusals by item index, of items not refused already (`refused`); undefined (not a promise)
 * when the request sends no transaction.
 */
export function screenTransactions(
  env: Env,
  items: readonly RpcItem[],
  refused: readonly (GatewayError | undefined)[],
  key: KeyContext,
  chain: string,
): Promise<Map<number, GatewayError>> | undefined {
  const sends = (item: RpcItem, i: number) => item.ok && !refused[i] && isSendMethod(item.method);
  // Every request passes here: most send nothing, and are let go without a string or array made.
  if (!items.some(sends)) return undefined;
  const refusals = new Map<number, GatewayError>();
  const submitted = items.map((item, i) => {
    const decoded = item.ok && sends(item, i) ? decodeCall(item, key) : undefined;
    if (decoded && "error" in decoded) refusals.set(i, decoded.error);
    return decoded && "txs" in decoded ? decoded.txs : undefined;
  });
  if (submitted.every((txs) => txs === undefined)) return Promise.resolve(refusals);
  return screenAll(env, submitted, key, chain, refusals);
}

/** The call's transactions decoded (no signature recovered yet), or why it is refused; undefined: let through unscreened. */
function decodeCall(call: RpcCall, key: KeyContext): DecodedSubmission | undefined {
  const raws = submittedTransactions(call.method, call.params);
  if (raws !== undefined) return decodeSubmission(raws);
  const error = unscreenableSend(call.method, key.unscreenedSends);
  return error ? { error } : undefined;
}

async function screenAll(
  env: Env,
  submitted: (SignedTransaction[] | undefined)[],
  key: KeyContext,
  chain: string,
  refusals: Map<number, GatewayError>,
) {
  const sanctions = await currentSanctions(env.CONFIG_KV);
  for (const [i, txs] of submitted.entries()) {
    for (const tx of txs ?? []) {
      const refusal = sanctions ? await screenOne(env, tx, sanctions, key, chain) : unscreened(env);
      if (refusal) {
        refusals.set(i, refusal);
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
  const recorded = await commitWithAudit(
    dbOf(env.DB),
    {
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
    },
    [],
  ).then(
    () => true,
    (err) => {
      console.error(
        JSON.stringify({ event: "screening_audit_failed", txHash: tx.hash, error: redact(String(err)) }),
      );
      return false;
    },
  );
  // A flagged transaction is sent only once its record is written; a refusal stands either way.
  if (!block && !recorded) {
    return new ScreeningUnavailableError("the flagged transaction could not be recorded; retry", {
      data: { reason: "audit log unavailable" },
    });
  }
  if (!block) return undefined;
  return new SanctionedTransactionError(`transaction refused: ${reason}`, {
    data: { reason, address: hit.address, role: hit.role, snapshotVersion: sanctions.version },
  });
}

/**
 * @module
 * Screening: each transaction a request submits (eth_sendRawTransaction in any spelling, its
 * conditional/sync/private variants and bundles; single, batch item, notification, over HTTP or
 * WebSocket) is decoded and its sender, recipient and EIP-7702 authorization signers checked
 * against the current sanctions set before any upstream sees it. A hit is written to the audit log
 * and, on a plan that blocks (the default), refused; a plan that flags sends it on.
 */

import { dbOf } from "../../db/client";
import { commitWithAudit } from "../audit/log";
import { type Env, settingsOf } from "../config/env";
import type { GatewayError } from "../errors/base";
import { InvalidParamsError, SanctionedTransactionError, ScreeningUnavailableError } from "../errors/kinds";
import { redact } from "../errors/redact";
import type { RpcItem } from "../jsonrpc/parse";
import type { KeyContext } from "../keys/resolveKey";
import { listedParty, partiesOf } from "./parties";
import { currentSanctions, type Sanctions } from "./sanctionsSet";
import { submittedTransactions } from "./submissions";

/** Every method that submits transactions starts so, in any case (shared/screening/submissions.ts). */
const SENDS = /^eth_send/i;

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
  const sends = (item: RpcItem, i: number) => item.ok && !refused[i] && SENDS.test(item.method);
  // Every request passes here: most send nothing, and are let go without a string or array made.
  if (!items.some(sends)) return undefined;
  const submitted = items.map((item, i) =>
    item.ok && sends(item, i) ? submittedTransactions(item.method, item.params) : undefined,
  );
  if (submitted.every((txs) => txs === undefined)) return undefined;
  return screenAll(env, submitted, key, chain);
}

async function screenAll(env: Env, submitted: (unknown[] | undefined)[], key: KeyContext, chain: string) {
  const refusals = new Map<number, GatewayError>();
  const sanctions = await currentSanctions(env.CONFIG_KV);
  for (const [i, txs] of submitted.entries()) {
    for (const raw of txs ?? []) {
      const refusal = sanctions ? await screenOne(env, raw, sanctions, key, chain) : unscreened(env);
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
  raw: unknown,
  sanctions: Sanctions,
  key: KeyContext,
  chain: string,
): Promise<GatewayError | undefined> {
  let tx: Awaited<ReturnType<typeof partiesOf>>;
  try {
    tx = await partiesOf(raw);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    return new InvalidParamsError(`the submitted transaction is not a signed transaction: ${why}`);
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

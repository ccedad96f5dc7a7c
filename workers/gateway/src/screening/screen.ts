/**
 * @module
 * Screening: each eth_sendRawTransaction of a request (single, batch item, notification, over HTTP
 * or WebSocket) is decoded and its sender, recipient and EIP-7702 authorization signers checked
 * against the current sanctions set before any upstream sees it. A hit is written to the audit log
 * and, on a plan that blocks (the default), refused; a plan that flags sends it on.
 */
import type { GatewayError } from "../../../../shared/errors/base";
import {
  InvalidParamsError,
  SanctionedTransactionError,
  ScreeningUnavailableError,
} from "../../../../shared/errors/kinds";
import { redact } from "../../../../shared/errors/redact";
import type { RpcItem } from "../../../../shared/jsonrpc/parse";
import { listedParty, partiesOf } from "../../../../shared/screening/parties";
import { commitWithAudit } from "../admin/audit";
import type { KeyContext } from "../auth/resolveKey";
import { dbOf } from "../db";
import { type Env, settingsOf } from "../env";
import { currentSanctions, type Sanctions } from "./snapshot";

/** The refusals by item index; undefined (not a promise) when the request sends no transaction. */
export function screenTransactions(
  env: Env,
  items: readonly RpcItem[],
  key: KeyContext,
  chain: string,
): Promise<Map<number, GatewayError>> | undefined {
  if (!items.some((item) => item.ok && item.method === "eth_sendRawTransaction")) return undefined;
  return screenAll(env, items, key, chain);
}

async function screenAll(env: Env, items: readonly RpcItem[], key: KeyContext, chain: string) {
  const refusals = new Map<number, GatewayError>();
  const sanctions = await currentSanctions(env.CONFIG_KV);
  for (const [i, item] of items.entries()) {
    if (!item.ok || item.method !== "eth_sendRawTransaction") continue;
    const refusal = sanctions ? await screenOne(env, item.params, sanctions, key, chain) : unscreened(env);
    if (refusal) refusals.set(i, refusal);
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
  params: unknown,
  sanctions: Sanctions,
  key: KeyContext,
  chain: string,
): Promise<GatewayError | undefined> {
  let tx: Awaited<ReturnType<typeof partiesOf>>;
  try {
    tx = await partiesOf(Array.isArray(params) ? params[0] : undefined);
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    return new InvalidParamsError(`params[0] of eth_sendRawTransaction is not a signed transaction: ${why}`);
  }
  const hit = listedParty(tx.parties, sanctions.addresses);
  if (!hit) return undefined;
  const block = key.screening === "block";
  const reason = `the transaction's ${hit.role} ${hit.address} is on the sanctions list`;
  await commitWithAudit(
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
  ).catch((err) => {
    // The refusal stands; the missing row is loud in the logs.
    console.error(
      JSON.stringify({ event: "screening_audit_failed", txHash: tx.hash, error: redact(String(err)) }),
    );
  });
  if (!block) return undefined;
  return new SanctionedTransactionError(`transaction refused: ${reason}`, {
    data: { reason, address: hit.address, role: hit.role, snapshotVersion: sanctions.version },
  });
}

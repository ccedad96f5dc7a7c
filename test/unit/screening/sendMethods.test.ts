import { describe, expect, test } from "vitest";
import { isSendMethod, unscreenableSend } from "../../../shared/screening/sendMethods";
import { decodesSubmissions } from "../../../shared/screening/submissions";

describe("isSendMethod", () => {
  test.each([
    "eth_sendRawTransaction",
    "eth_sendBundle",
    "mev_sendBundle",
    "MEV_SENDBUNDLE",
    "eth_sendUserOperation",
    "eth_sendUnsignedTransaction",
    "flashbots_sendPrivateTransaction",
    "zks_sendRawTransactionWithDetailedOutput",
    "wallet_sendCalls",
    "sendBundle",
    "blxr_submit_bundle",
    "eth_submitTransaction",
    "eth_privateSendTransaction",
    "eth_resend",
    "blxr_tx",
    "BLXR_BATCH_TX",
    "blxr_private_tx",
    "blxr_txs",
    "qn_broadcastRawTransaction",
    "QN_BROADCASTRAWTRANSACTION",
    "eth_rawBroadcast",
    "bsc_private_tx",
    "polygon_private_tx",
    "broadcast_tx_sync",
    "eth_sendPrivateTransaction",
    "alchemy_sendPrivateTransaction",
  ])("%s sends transactions", (method) => {
    expect(isSendMethod(method)).toBe(true);
  });

  test.each([
    "eth_call",
    "eth_getTransactionByHash",
    "ots_getTransactionBySenderAndNonce",
    "eth_getTransactionBySenderAndNonce",
    "eth_estimateGas",
    "eth_callBundle",
    "mev_simBundle",
    "trace_rawTransaction",
    "eth_subscribe",
    "eth_resends",
    "eth_cancelPrivateTransaction",
    "alchemy_cancelPrivateTransaction",
    "eth_cancelBundle",
    "blxr_simulate_bundle",
    "eth_getTransactionByBlockHashAndIndex",
    "txpool_content",
    "eth_getRawTx",
  ])("%s does not", (method) => {
    expect(isSendMethod(method)).toBe(false);
  });
});

describe("unscreenableSend", () => {
  test("refuses with method_not_allowed, saying the gateway cannot screen it and what to do", () => {
    const error = unscreenableSend("mev_sendBundle", []);
    expect(error?.toJsonRpc()).toEqual({
      code: -32601,
      message:
        "method mev_sendBundle is not served on this plan: the gateway cannot screen the transactions it sends; sign each transaction and send it with eth_sendRawTransaction (or eth_sendBundle), or ask the operator to allow mev_sendBundle unscreened for this plan",
      data: { code: "method_not_allowed", method: "mev_sendBundle" },
    });
  });

  test.each(["qn_broadcastRawTransaction", "bsc_private_tx"])(
    "%s is a send the gateway cannot decode: refused unless the plan lists it",
    (method) => {
      expect(decodesSubmissions(method)).toBe(false);
      expect(unscreenableSend(method, [])?.toJsonRpc()).toMatchObject({
        code: -32601,
        data: { code: "method_not_allowed", method },
      });
      expect(unscreenableSend(method, [method])).toBeUndefined();
    },
  );

  test("lets through a method the plan lists, in any letter case, and nothing else", () => {
    expect(unscreenableSend("mev_sendBundle", ["mev_sendBundle"])).toBeUndefined();
    expect(unscreenableSend("MEV_SENDBUNDLE", ["mev_sendbundle"])).toBeUndefined();
    expect(unscreenableSend("eth_sendUserOperation", ["mev_sendBundle"])).toBeDefined();
    expect(unscreenableSend("mev_sendBundles", ["mev_sendBundle"])).toBeDefined();
  });
});

test("the decoded sends are exactly the raw-transaction methods, private sends and bundles, in any case", () => {
  for (const method of [
    "eth_sendRawTransaction",
    "eth_sendrawtransaction",
    "eth_sendRawTransactionConditional",
    "eth_sendRawTransactionSync",
    "eth_sendPrivateRawTransaction",
    "eth_sendPrivateTransaction",
    "ETH_SENDBUNDLE",
  ]) {
    expect(decodesSubmissions(method)).toBe(true);
  }
  for (const method of ["mev_sendBundle", "eth_sendUserOperation", "eth_sendTransaction", "toString"]) {
    expect(decodesSubmissions(method)).toBe(false);
  }
});

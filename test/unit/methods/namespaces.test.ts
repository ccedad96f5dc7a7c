/** Which method namespaces a key may call. */
import { describe, expect, test } from "vitest";
import { checkMethodAllowed } from "../../../shared/methods/namespaces";

const EVERY_PLAN_NAMESPACE = ["debug", "trace", "txpool"];

function refusal(method: string, allowed: readonly string[]) {
  const error = checkMethodAllowed(method, allowed);
  return error && { code: error.code, rpcCode: error.rpcCode, httpStatus: error.httpStatus };
}

describe("checkMethodAllowed", () => {
  test.each([
    "admin_addPeer",
    "personal_unlockAccount",
    "miner_setEtherbase",
    "engine_newPayloadV3",
    "anvil_setBalance",
    "evm_mine",
    "clique_propose",
    "les_addBalance",
    "hardhat_impersonateAccount",
    "ganache_setTime",
    "Admin_peers",
    "EVM_mine",
  ])("always refuses %s, whatever the plan allows", (method) => {
    expect(refusal(method, [...EVERY_PLAN_NAMESPACE, "admin", "personal", "anvil", "evm"])).toEqual({
      code: "method_not_allowed",
      rpcCode: -32601,
      httpStatus: 200,
    });
  });

  test.each([
    ["debug_traceTransaction", "debug"],
    ["trace_block", "trace"],
    ["txpool_content", "txpool"],
  ])("refuses %s unless the plan allows %s", (method, namespace) => {
    expect(refusal(method, [])?.code).toBe("method_not_allowed");
    expect(
      refusal(
        method,
        EVERY_PLAN_NAMESPACE.filter((n) => n !== namespace),
      )?.code,
    ).toBe("method_not_allowed");
    expect(checkMethodAllowed(method, [namespace])).toBeUndefined();
  });

  test.each(["rpc.discover", "rpc.on"])(
    "answers the reserved %s as a method that does not exist",
    (method) => {
      expect(refusal(method, EVERY_PLAN_NAMESPACE)).toEqual({
        code: "method_not_found",
        rpcCode: -32601,
        httpStatus: 200,
      });
    },
  );

  test.each(["eth_call", "eth_getLogs", "eth_subscribe", "net_version", "web3_clientVersion"])(
    "allows %s on a plan with no extra namespaces",
    (method) => {
      expect(checkMethodAllowed(method, [])).toBeUndefined();
    },
  );

  test("names the refused method in the message", () => {
    expect(checkMethodAllowed("admin_peers", [])?.message).toContain("admin_peers");
  });
});

// eth_sendRawTransaction through three upstreams: never hedged, and a transaction that reached a
// node before its upstream timed out is not reported to the client as a duplicate.
import { type Hex, keccak256, parseEther, parseGwei } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import { anvil, callsOf, type FaultProxy, preferZero, rpc, setFault, useProxies } from "./harness";

const proxies = useProxies();

/** A transfer signed by a fresh, funded account, so no other test shares its nonce. */
async function signedTransfer(): Promise<Hex> {
  const account = privateKeyToAccount(generatePrivateKey());
  await anvil("anvil_setBalance", [account.address, `0x${parseEther("1").toString(16)}`]);
  return account.signTransaction({
    chainId: 31337,
    type: "eip1559",
    to: `0x${"22".repeat(20)}`,
    value: 1n,
    nonce: 0,
    gas: 21_000n,
    maxFeePerGas: parseGwei("50"),
    maxPriorityFeePerGas: parseGwei("1"),
  });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("eth_sendRawTransaction", () => {
  test("the first upstream times out after forwarding: the client gets the hash, not a duplicate error", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "hang", forward: true });
    const raw = await signedTransfer();
    const result = await rpc(chain, "eth_sendRawTransaction", [raw]);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ result: keccak256(raw) });
    expect(result.attempts).toBe(2);
    const sends = await callsOf(proxies, "eth_sendRawTransaction");
    expect(sends[0]).toBe(1);
    expect(sum(sends)).toBe(2);
    const receipt = (await anvil("eth_getTransactionReceipt", [keccak256(raw)])) as { status: string } | null;
    expect(receipt?.status).toBe("0x1");
  });

  test("a slow upstream is waited for, not hedged: the transaction is sent once", async () => {
    const chain = await preferZero(proxies);
    await setFault(proxies[0] as FaultProxy, { mode: "latency", ms: 300 });
    const raw = await signedTransfer();
    const result = await rpc(chain, "eth_sendRawTransaction", [raw]);
    expect(result.body).toMatchObject({ result: keccak256(raw) });
    expect(result.attempts).toBe(1);
    expect(await callsOf(proxies, "eth_sendRawTransaction")).toEqual([1, 0, 0]);
  });

  test("a client resending its own transaction still hears that it is known", async () => {
    const chain = await preferZero(proxies);
    const raw = await signedTransfer();
    expect((await rpc(chain, "eth_sendRawTransaction", [raw])).body).toMatchObject({
      result: keccak256(raw),
    });
    const again = await rpc(chain, "eth_sendRawTransaction", [raw]);
    expect(again.body.error).toBeDefined();
    expect(again.attempts).toBe(1);
  });
});

// viem, as a dapp would use it, through a running gateway in front of a real anvil: reads equal what
// anvil answers directly, and a signed transaction goes through and gets its receipt.
import { createPublicClient, createWalletClient, http, parseEther, RpcRequestError } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { describe, expect, inject, test } from "vitest";

// anvil's first well-known development account.
const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

const gateway = createPublicClient({
  chain: foundry,
  transport: http(inject("rpcUrl")),
  pollingInterval: 100,
});
const anvil = createPublicClient({
  chain: foundry,
  transport: http(inject("anvilUrl")),
  pollingInterval: 100,
});

describe("viem through the gateway", () => {
  test("reads the chain id", async () => {
    expect(await gateway.getChainId()).toBe(31337);
    expect(await gateway.getChainId()).toBe(await anvil.getChainId());
  });

  test("reads balances equal to anvil's", async () => {
    const address = account.address;
    expect(await gateway.getBalance({ address })).toBe(await anvil.getBalance({ address }));
  });

  test("sends a transaction with an anvil dev key and gets its receipt", async () => {
    const to = privateKeyToAccount(`0x${"11".repeat(32)}`).address;
    const before = await anvil.getBalance({ address: to });
    const wallet = createWalletClient({ account, chain: foundry, transport: http(inject("rpcUrl")) });
    const hash = await wallet.sendTransaction({ to, value: parseEther("1") });
    const receipt = await gateway.waitForTransactionReceipt({ hash, timeout: 20_000 });
    expect(receipt.status).toBe("success");
    expect(receipt).toEqual(await anvil.getTransactionReceipt({ hash }));
    expect(await gateway.getBalance({ address: to })).toBe(before + parseEther("1"));
    expect(await anvil.getBalance({ address: to })).toBe(before + parseEther("1"));
  });

  test("batches calls when the transport batches", async () => {
    const batching = createPublicClient({
      chain: foundry,
      transport: http(inject("rpcUrl"), { batch: true }),
    });
    const [chainId, block, balance] = await Promise.all([
      batching.getChainId(),
      batching.getBlockNumber({ cacheTime: 0 }),
      batching.getBalance({ address: account.address }),
    ]);
    expect(chainId).toBe(31337);
    expect(block).toBeGreaterThanOrEqual((await anvil.getBlockNumber({ cacheTime: 0 })) - 1n);
    expect(balance).toBe(await anvil.getBalance({ address: account.address }));
  });

  test("a wrong key is an error viem reports with the gateway's code and message", async () => {
    const url = inject("rpcUrl").replace(/[^/]+$/, "rpc_wrongkey");
    const client = createPublicClient({ chain: foundry, transport: http(url, { retryCount: 0 }) });
    const error = await client.getChainId().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcRequestError);
    expect(error).toMatchObject({
      status: 401,
      code: -32016,
      details: "invalid API key: check the key, or create a new one",
      data: { code: "unauthorized" },
    });
  });
});

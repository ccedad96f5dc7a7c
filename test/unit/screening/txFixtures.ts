// Signed transactions for the screening unit tests: one sender, one recipient, and an EIP-7702
// authorization whose signature recovers to nothing (only a check made before recovery passes it).
import { parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const sender = privateKeyToAccount(`0x${"11".repeat(32)}`);
export const TO = `0x${"33".repeat(20)}` as const;
export const base = {
  chainId: 1,
  nonce: 0,
  gas: 21_000n,
  maxFeePerGas: parseGwei("20"),
  maxPriorityFeePerGas: 1n,
};
export const BOGUS = {
  address: TO,
  chainId: 1,
  nonce: 0,
  r: `0x${"00".repeat(32)}`,
  s: `0x${"00".repeat(32)}`,
  yParity: 0,
} as const;

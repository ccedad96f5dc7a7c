/** eth_accounts: a public gateway holds no accounts, so it answers `[]` itself and never asks a node. */
import type { MethodHooks } from "./hooks";

export const eth_accounts: MethodHooks = {
  answer: () => Promise.resolve({ resultRaw: "[]" }),
};

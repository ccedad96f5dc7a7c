/** eth_accounts: a public gateway holds no accounts, so it answers `[]` itself and never asks a node. */
export const eth_accounts = (): string => "[]";

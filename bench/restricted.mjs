// The restricted-key part of npm run bench (see run.mjs).
//
//   restricted_vs_gateway   The same tenant and call stream as `gateway`, through a second key with
//                           allowlists of every kind a server-side bench can meet: methods, chains and
//                           contracts (no Origin or client address reaches a local Worker, so those
//                           two lists stay unset). Each request then checks its chain at the door and
//                           each call its method and contracts (shared/keys/keyRules.ts). Goal: the
//                           check costs a few microseconds, so the ratio stays within noise of 1.
import { adminApi } from "../scripts/lib/seed.mjs";

const round2 = (x) => Math.round(x * 100) / 100;

/** A key of `tenantId` with lists that allow the bench's calls; its JSON-RPC URL. */
export async function restrictedKeyUrl({ gatewayUrl, token, tenantId, chain }) {
  const api = adminApi({ gatewayUrl, token });
  const { key } = await api("POST", `/tenants/${tenantId}/keys`, {
    name: "bench-restricted",
    allowedMethods: ["eth_getBalance", "eth_call", "eth_blockNumber", "eth_chainId"],
    allowedChains: [chain],
    allowedContracts: ["0x0000000000000000000000000000000000000001"],
  });
  return `${gatewayUrl}/v1/${chain}/${key}`;
}

/** restricted_vs_gateway (req/s) and what the lists add to p50, printed. */
export function restrictedRatios({ gateway, restricted }) {
  const ratios = {
    restricted_vs_gateway: round2(restricted.rps / gateway.rps),
    restricted_p50_added_ms: round2(restricted.p50_ms - gateway.p50_ms),
  };
  console.log(
    `restricted/gateway req/s: ${ratios.restricted_vs_gateway}; p50 added by the key's lists: ${ratios.restricted_p50_added_ms} ms`,
  );
  return ratios;
}

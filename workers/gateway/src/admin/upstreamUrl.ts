/**
 * @module
 * Which upstream URLs a chain's kind can use: an http(s) or ws(s) URL that passes the egress guard
 * (shared/http/egress.ts) for an EVM chain; for an Avalanche P-Chain, also the P-Chain API of an
 * AvalancheGo node or provider (`.../ext/bc/P`).
 */
import type { Env } from "../../../../shared/config/env";
import { settingsOf } from "../../../../shared/config/env";
import { InvalidBodyError } from "../../../../shared/errors/kinds";
import { type EgressPolicy, egressError, egressPolicyOf } from "../../../../shared/http/egress";

export type ChainKind = "evm" | "avalanche-p";

/** Why `url` cannot be an upstream of a chain of this kind under `policy`; undefined when it can. Pure. */
export function upstreamUrlProblem(kind: ChainKind, url: string, policy: EgressPolicy): string | undefined {
  const egress = egressError(url, policy);
  if (egress) return egress;
  if (kind !== "avalanche-p") return undefined;
  const parsed = new URL(url);
  if (!/^https?:$/.test(parsed.protocol) || !parsed.pathname.endsWith("/ext/bc/P")) {
    return "an avalanche-p chain's upstream is a P-Chain API: an http(s) URL whose path ends in /ext/bc/P, e.g. https://api.avax.network/ext/bc/P";
  }
  return undefined;
}

/** The admin API's 400 naming `field`, with the reason. */
export function invalidUrl(field: string, problem: string): InvalidBodyError {
  return new InvalidBodyError("invalid body: see data.fields", { data: { fields: { [field]: problem } } });
}

/** Throws the admin API's 400 naming `url` when the URL does not suit the chain or this deployment's egress. */
export function requireUpstreamUrl(kind: ChainKind, url: string, env: Env): void {
  const problem = upstreamUrlProblem(kind, url, egressPolicyOf(settingsOf(env).egress));
  if (problem) throw invalidUrl("url", problem);
}

/** Throws the admin API's 400 naming `url` when this deployment's egress guard refuses it. */
export function requireEgressUrl(url: string, env: Env): void {
  const problem = egressError(url, egressPolicyOf(settingsOf(env).egress));
  if (problem) throw invalidUrl("url", problem);
}

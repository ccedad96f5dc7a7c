/**
 * @module
 * Which upstream URLs a chain's kind can use: any http(s) or ws(s) URL for an EVM chain; for an
 * Avalanche P-Chain, the P-Chain API of an AvalancheGo node or provider (`.../ext/bc/P`). Pure.
 */
import { InvalidBodyError } from "../../../../shared/errors/kinds";

export type ChainKind = "evm" | "avalanche-p";

/** Why `url` cannot be an upstream of a chain of this kind; undefined when it can. */
export function upstreamUrlProblem(kind: ChainKind, url: string): string | undefined {
  if (kind !== "avalanche-p") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (!/^https?:$/.test(parsed.protocol) || !parsed.pathname.endsWith("/ext/bc/P")) {
    return "an avalanche-p chain's upstream is a P-Chain API: an http(s) URL whose path ends in /ext/bc/P, e.g. https://api.avax.network/ext/bc/P";
  }
  return undefined;
}

/** Throws the admin API's 400 naming `url` when the URL does not suit the chain. */
export function requireUpstreamUrl(kind: ChainKind, url: string): void {
  const problem = upstreamUrlProblem(kind, url);
  if (problem) {
    throw new InvalidBodyError("invalid body: see data.fields", { data: { fields: { url: problem } } });
  }
}

/**
 * @module
 * Picks the upstream for a call. For now: round-robin over the chain's enabled upstreams in this
 * isolate. Health scoring, failover and hedging replace this body, not its callers.
 */
import { NoUpstreamError } from "../../../../shared/errors/kinds";
import type { ChainConfig, Upstream } from "../config/chains";

const cursors = new Map<string, number>();

export function selectUpstream(chain: ChainConfig): Upstream {
  const { upstreams } = chain;
  if (!chain.enabled || upstreams.length === 0) {
    throw new NoUpstreamError(
      `chain ${chain.slug} has no enabled upstream right now; try again later or contact the operator`,
    );
  }
  const cursor = cursors.get(chain.slug) ?? 0;
  cursors.set(chain.slug, (cursor + 1) % upstreams.length);
  return upstreams[cursor % upstreams.length] as Upstream;
}

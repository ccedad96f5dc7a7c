/**
 * @module
 * newPendingTransactions without an upstream WebSocket: a pending-transaction filter on one upstream,
 * polled with eth_getFilterChanges. A filter lives on the node that made it, so the poller keeps to
 * that upstream, and makes a new filter on the next one when a poll fails or the node forgot it.
 * Pending transactions are a node's view of its mempool, not a sequence: a change of node may skip
 * or repeat some, as it would over a node's own socket.
 */

import type { ChainConfig, Upstream } from "../../../../shared/config/chains";
import { UpstreamUnavailableError } from "../../../../shared/errors/kinds";
import { sendCalls } from "../../../../shared/upstream/sendCalls";

export class PendingFilter {
  private filter: { upstreamId: string; id: string } | undefined;
  private turn = 0;

  /** Hashes seen since the last poll; the first poll only sets the filter up and returns none. */
  async poll(chain: ChainConfig, timeoutMs: number): Promise<string[]> {
    const upstream = this.filter && chain.upstreams.find((u) => u.id === this.filter?.upstreamId);
    if (!this.filter || !upstream) {
      await this.create(chain, timeoutMs);
      return [];
    }
    try {
      const hashes = await call(upstream, "eth_getFilterChanges", [this.filter.id], timeoutMs);
      return Array.isArray(hashes) ? hashes.filter((h): h is string => typeof h === "string") : [];
    } catch (err) {
      this.filter = undefined;
      throw err;
    }
  }

  /** Forgets the filter: the upstream socket delivers pending transactions again. */
  reset(): void {
    this.filter = undefined;
  }

  private async create(chain: ChainConfig, timeoutMs: number) {
    const upstream = chain.upstreams[this.turn++ % Math.max(chain.upstreams.length, 1)];
    if (!upstream) return;
    const id = await call(upstream, "eth_newPendingTransactionFilter", [], timeoutMs);
    if (typeof id !== "string")
      throw new UpstreamUnavailableError("pending-transaction filter: no id returned");
    this.filter = { upstreamId: upstream.id, id };
  }
}

async function call(upstream: Upstream, method: string, params: unknown[], timeoutMs: number) {
  const [outcome] = await sendCalls({
    upstream,
    calls: [{ method, paramsRaw: JSON.stringify(params) }],
    timeoutMs,
  });
  if (!outcome?.ok) {
    throw new UpstreamUnavailableError(`${method} on upstream ${upstream.id}: ${outcome?.error.message}`);
  }
  return JSON.parse(outcome.resultRaw) as unknown;
}

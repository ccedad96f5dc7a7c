/**
 * @module
 * A request's calls as request metrics see them (shared/metrics): by upstream, method family, status
 * class, cache status and tenant, with the request's latency, each call's CU and attempts. A call
 * with no answer (the request failed as a whole after admission) counts as a service error. Pure.
 */
import type { RpcItem } from "../jsonrpc/parse";
import { familyOf } from "../metering/usage";
import { type CallSeen, statusClassOf } from "../metrics/cells";
import type { Answer } from "./answers";

export interface MeasureParameters {
  items: readonly RpcItem[];
  /** Undefined when the request failed as a whole. */
  answers: readonly Answer[] | undefined;
  costs: readonly number[];
  tenant: string;
  started: number;
  now: number;
  /** The refusal of the whole request (a limit), when it was refused before any call was made. */
  refusedWith?: number;
}

export function measure(p: MeasureParameters): CallSeen[] {
  const latencyMs = p.now - p.started;
  return p.items.map((item, i) => {
    const answer = p.answers?.[i];
    const status = answer
      ? statusClassOf(answer.ok, answer.error?.httpStatus)
      : statusClassOf(false, p.refusedWith ?? 500);
    return {
      at: p.now,
      upstream: answer?.upstreamId ?? "",
      family: familyOf(item.ok ? item.method : undefined),
      status,
      cache: answer?.cache ?? "BYPASS",
      tenant: p.tenant,
      latencyMs,
      cu: p.refusedWith === undefined ? (p.costs[i] ?? 0) : 0,
      attempts: answer?.attempts ?? 0,
    };
  });
}

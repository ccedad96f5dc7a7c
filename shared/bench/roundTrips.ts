/**
 * @module
 * The sequential round trips of one request before its upstream call, from the binding calls it
 * made (start and end) and the fetches it started: the longest chain of binding calls, one after
 * another without overlapping, that all end before the first fetch that is not a probe starts.
 * Calls made in parallel count once; a probe the request waited for counts as `upstream:probe`.
 * Pure: the bench's edge model (./edgeLatency.ts) feeds it.
 */

export interface BindingCall {
  label: string;
  start: number;
  end: number;
}

export interface FetchStart {
  at: number;
  /** When its response arrived; undefined while it has not. */
  end?: number | undefined;
  /** A probe of an upstream (routing's own batch), not the call. */
  probe: boolean;
}

export interface RoundTripsReturnType {
  count: number;
  /** The calls of the longest chain, in order. */
  labels: string[];
}

export function roundTripsOf(
  calls: readonly BindingCall[],
  fetches: readonly FetchStart[],
): RoundTripsReturnType {
  const upstreamAt = fetches.find((f) => !f.probe)?.at ?? Number.POSITIVE_INFINITY;
  // A probe answered before the call started was (as far as it shows) waited for: a round trip too.
  const probes = fetches
    .filter((f) => f.probe && f.end !== undefined && f.end <= upstreamAt)
    .map((f): BindingCall => ({ label: "upstream:probe", start: f.at, end: f.end as number }));
  const before = [...calls.filter((c) => c.end <= upstreamAt), ...probes].sort(
    (a, b) => a.end - b.end || a.start - b.start,
  );
  /** Per call: the longest chain ending with it, and the call before it in that chain. */
  const length: number[] = [];
  const previous: (number | undefined)[] = [];
  let best: number | undefined;
  for (const [i, call] of before.entries()) {
    length[i] = 1;
    previous[i] = undefined;
    for (let j = 0; j < i; j++) {
      const prior = before[j] as BindingCall;
      if (prior.end <= call.start && (length[j] as number) + 1 > (length[i] as number)) {
        length[i] = (length[j] as number) + 1;
        previous[i] = j;
      }
    }
    // Of chains as long, the one ending last: the path the request waited on.
    if (best === undefined || (length[i] as number) >= (length[best] as number)) best = i;
  }
  const labels: string[] = [];
  for (let at = best; at !== undefined; at = previous[at]) labels.unshift((before[at] as BindingCall).label);
  return { count: labels.length, labels };
}

/**
 * @module
 * The normalize stage: each item's answer as the client gets it (the response entry with the
 * caller's own id, its status and cache status), from its refusal, the gateway's own answer, or what
 * the cache or an upstream gave (already normalised, shared/upstream/sendCalls.ts). Pure.
 */
import type { CacheStatus, CallResult } from "../cache/callCache";
import type { GatewayError } from "../errors/base";
import type { RpcItem } from "../jsonrpc/parse";
import { errorEntry, resultEntry } from "../jsonrpc/serialize";
import type { HereAnswer } from "../methods/hooks";
import type { Refusals } from "./authorize";

export interface Answer {
  /** The response entry, or undefined for a notification. */
  entry: string | undefined;
  /** False when the answer is a JSON-RPC error. */
  ok: boolean;
  /** HTTP status this answer would have on its own. */
  status: number;
  /** The gateway error behind this answer, if any (for logs). */
  error?: GatewayError;
  /** The code of the JSON-RPC error answered, when it is one (the gateway's or the upstream's). */
  code?: number | undefined;
  /** Opaque id of the upstream whose answer this is. */
  upstreamId?: string | undefined;
  /** Upstream requests this call made (0 when answered here or from the cache). */
  attempts?: number;
  /** Whether the cache served it; BYPASS for everything not cacheable, answered here or refused. */
  cache: CacheStatus;
}

export interface NormalizeParameters {
  items: readonly RpcItem[];
  refusals: Refusals;
  here: ReadonlyMap<number, HereAnswer>;
  results: ReadonlyMap<number, CallResult>;
}

export function normalize({ items, refusals, here, results }: NormalizeParameters): Answer[] {
  return items.map((item, i) => {
    const refused = refusals[i];
    if (refused) return failed(item.id, refused);
    const own = here.get(i);
    if (own) return "error" in own ? failed(item.id, own.error) : ok(item.id, own.resultRaw);
    const result = results.get(i) as CallResult;
    const attempts = result.cache === "HIT" ? 0 : result.attempts;
    return { ...fromOutcome(item.id, result), upstreamId: result.upstreamId, attempts, cache: result.cache };
  });
}

/** Upstream requests made over all calls; undefined when no call went to an upstream. */
export function attemptsOf(results: ReadonlyMap<number, CallResult>): number | undefined {
  let attempts: number | undefined;
  for (const { cache, attempts: n } of results.values()) if (cache !== "HIT") attempts = (attempts ?? 0) + n;
  return attempts;
}

/** The response text of answered items: the one entry, the array, or undefined when none is due. */
export function responseOf(single: boolean, answers: readonly Answer[]): string | undefined {
  if (single) return answers[0]?.entry;
  const due = answers.flatMap((a) => (a.entry === undefined ? [] : [a.entry]));
  if (due.length === 0) return undefined;
  return `[${due.join(",")}]`;
}

/** An answer whose entry is made only for a request with an id: notifications get none. */
function reply(
  id: string | undefined,
  entry: (id: string) => string,
  ok = true,
  status = 200,
  error?: GatewayError,
): Answer {
  const code = error?.rpcCode;
  return { entry: id === undefined ? undefined : entry(id), ok, status, error, code, cache: "BYPASS" };
}

const ok = (id: string | undefined, resultRaw: string) => reply(id, (id) => resultEntry(id, resultRaw));

function failed(id: string | undefined, error: GatewayError): Answer {
  return reply(id, (id) => errorEntry(id, error.toJsonRpc()), false, error.httpStatus, error);
}

function fromOutcome(id: string | undefined, { outcome }: CallResult): Answer {
  if (outcome.ok) return ok(id, outcome.resultRaw);
  if (outcome.fault === "client")
    return { ...reply(id, (id) => errorEntry(id, outcome.error), false), code: outcome.error.code };
  return failed(id, outcome.error);
}

/**
 * @module
 * The request path, for an HTTP body and a WebSocket frame alike: authenticate, parse, authorize,
 * screen, meter, then the calls through their methods' hooks, the cache and the upstreams, and
 * normalize. Each stage returns a value and this function alone calls them, in order; the
 * transport responds. The key is checked before the body is read: a request without a valid key
 * costs no body read or parse.
 */
import { type CacheMode, keepRouted, readCache, withRouted } from "../cache/callCache";
import type { ChainConfig } from "../config/chains";
import { type Env, settingsOf } from "../config/env";
import type { GatewayError } from "../errors/base";
import { toGatewayError } from "../errors/kinds";
import { parseItems } from "../jsonrpc/requestItems";
import type { KeyContext } from "../keys/resolveKey";
import { admit } from "../metering/admit";
import { costsOf, usageOf } from "../metering/calls";
import { recordUsage } from "../metering/report";
import type { Subscriptions } from "../methods/hooks";
import { probeChain } from "../routing/probe";
import { routeCalls } from "../routing/routeCalls";
import { screenTransactions } from "../screening/screen";
import { type Answer, attemptsOf, normalize } from "./answers";
import { authorize, type Refusals } from "./authorize";
import { answerHere, type Calls, combineResults, forwardedOf, planForwarding } from "./methodHooks";

export interface PipelineParameters {
  env: Env;
  /** The key and chain of the request (HTTP: the key it carries; a WebSocket: the one it opened with). */
  authenticate: () => Promise<{ key: KeyContext; chain: ChainConfig }>;
  /** The request body (read within its size limit), or the frame's text. */
  read: () => string | Promise<string>;
  cacheMode: CacheMode;
  /** The socket's subscriptions; undefined over HTTP. */
  subscriptions: Subscriptions | undefined;
  waitUntil: (p: Promise<unknown>) => void;
}

export type PipelineResult = { headers: Record<string, string> } & (
  | { ok: true; single: boolean; answers: Answer[]; attempts: number | undefined }
  | { ok: false; error: GatewayError }
);

export async function runPipeline(p: PipelineParameters): Promise<PipelineResult> {
  const { env, waitUntil } = p;
  const settings = settingsOf(env);
  let headers: Record<string, string> = {};
  try {
    const { key, chain } = await p.authenticate();
    const { single, items } = parseItems(await p.read());
    const authorized = authorize(items, key, single);
    const screening = screenTransactions(env, items, key, chain.slug);
    const refusals = screening ? withScreening(authorized, await screening) : authorized;
    const costs = costsOf(items, authorized);
    const leaseSeconds = settings.meterLeaseMs / 1000;
    const admission = await admit({ env, key, cost: sum(costs), leaseSeconds, waitUntil });
    headers = admission.headers;
    if (admission.error) return { ok: false, error: admission.error, headers };
    let answers: Answer[] | undefined;
    try {
      const calls: Calls = items.map((item, i) => (item.ok && !refusals[i] ? item : undefined));
      const here = answerHere(calls, { subscriptions: p.subscriptions });
      const deadline = Date.now() + chain.budgetMs;
      const forwarded = forwardedOf(calls);
      const probing = forwarded.length > 0 ? probeChain(env.CONFIG_KV, chain, waitUntil) : undefined;
      if (probing) await probing;
      const context = { chain, key };
      const forwarding = planForwarding(calls, forwarded, context);
      const cacheUse = { env, chain, mode: p.cacheMode, waitUntil };
      const cached = await readCache({ ...cacheUse, calls: forwarding.parts });
      const attemptTimeoutMs = settings.upstreamTimeoutMs;
      const routed = await routeCalls({ ...cacheUse, plans: cached.misses, deadline, attemptTimeoutMs });
      keepRouted(cacheUse, cached.misses, routed);
      const results = combineResults(forwarding, withRouted(cached.hits, routed), context);
      answers = normalize({ items, refusals, here: await here, results });
      return { ok: true, single, answers, attempts: attemptsOf(results), headers };
    } finally {
      const failed = answers?.map((a) => !a.ok);
      const rows = usageOf({ items, costs, failed, keyId: key.keyId, chain: chain.slug, now: Date.now() });
      recordUsage(env, key.tenantId, rows, waitUntil);
    }
  } catch (err) {
    return { ok: false, error: toGatewayError(err), headers };
  }
}

/** The method refusals, with screening's refusals added where a call was allowed. */
function withScreening(refusals: Refusals, screened: ReadonlyMap<number, GatewayError>): Refusals {
  return refusals.map((refusal, i) => refusal ?? screened.get(i));
}

function sum(costs: readonly number[]): number {
  let total = 0;
  for (const c of costs) total += c;
  return total;
}

/**
 * @module
 * The request path, for an HTTP body and a WebSocket frame alike: authenticate, parse, authorize,
 * decode the sends (screening's cheap half: the caps, no signature recovered), meter, screen (the
 * signatures recovered and checked, only once admitted), then the calls through their methods'
 * hooks, the cache and the upstreams, and normalize. Each stage returns a value and this function
 * alone calls them, in order; the transport responds. The key is checked before the body is read: a
 * request without a valid key costs no body read or parse; a request refused by the meter costs no
 * signature recovered.
 */
import { type CacheMode, type CachePlan, keepResult, readCache, withRouted } from "../cache/callCache";
import type { ChainConfig } from "../config/chains";
import { type Env, settingsOf } from "../config/env";
import type { GatewayError } from "../errors/base";
import { ScreeningUnavailableError, toGatewayError } from "../errors/kinds";
import type { RpcItem } from "../jsonrpc/parse";
import { parseItems } from "../jsonrpc/requestItems";
import type { CompiledRules } from "../keys/keyRules";
import type { KeyContext } from "../keys/resolveKey";
import { admit } from "../metering/admit";
import { costsOf, usageOf } from "../metering/calls";
import { errorsOf } from "../metering/keyErrors";
import { recordErrors, recordUsage } from "../metering/report";
import type { ForwardContext, Subscriptions } from "../methods/hooks";
import { recordCalls } from "../metrics/collector";
import type { ForwardCallReturnType } from "../routing/forward";
import { probeChain } from "../routing/probe";
import { routeCalls } from "../routing/routeCalls";
import { type DecodedSends, decodeSends } from "../screening/decodeSends";
import { screenTransactions } from "../screening/screen";
import { type Answer, attemptsOf, normalize } from "./answers";
import { authorize, type Refusals } from "./authorize";
import { measure } from "./measure";
import { answerHere, type Calls, combineResults, forwardedOf, planForwarding, unitsOf } from "./methodHooks";

export interface PipelineParameters {
  env: Env;
  /**
   * The key and chain of the request (HTTP: the key it carries; a WebSocket: the one it opened with),
   * and the key's lists its calls must meet, when they apply (shared/keys/keyGate.ts).
   */
  authenticate: () => Promise<{ key: KeyContext; chain: ChainConfig; rules?: CompiledRules }>;
  /** The request body (read within its size limit), or the frame's text. */
  read: () => string | Promise<string>;
  cacheMode: CacheMode;
  /** The socket's subscriptions; undefined over HTTP. */
  subscriptions: Subscriptions | undefined;
  waitUntil: (p: Promise<unknown>) => void;
}

/** The answers of the admitted calls, and the upstream requests made (undefined when none went out). */
interface Answered {
  answers: Answer[];
  attempts: number | undefined;
}

export type PipelineResult = { headers: Record<string, string> } & (
  | ({ ok: true; single: boolean } & Answered)
  | { ok: false; error: GatewayError }
);

export async function runPipeline(p: PipelineParameters): Promise<PipelineResult> {
  const { env, waitUntil } = p;
  const started = Date.now();
  let headers: Record<string, string> = {};
  try {
    const { key, chain, rules } = await p.authenticate();
    const settings = settingsOf(env);
    const { single, items } = parseItems(await p.read());
    const authorized = authorize(items, key, single, rules);
    const sends = decodeSends(items, authorized, key.unscreenedSends);
    const refused = sends ? authorized.map((r, i) => r ?? sends.refusals.get(i)) : authorized;
    const holds = () => env.METER.getByName(key.tenantId);
    const context: ForwardContext = { key, chain, secret: env.UPSTREAM_KEY, holds, waitUntil };
    // A refused call costs nothing; a decoded send, once per signature, screened out or not.
    const costs = costsOf(items, refused, (call) => sends?.charged.get(call) ?? unitsOf(call, context));
    const leaseSeconds = settings.meterLeaseMs / 1000;
    const admission = await admit({ env, key, cost: sum(costs), leaseSeconds, waitUntil });
    headers = admission.headers;
    const measured = (answers: Answer[] | undefined, refusedWith?: number) =>
      settings.metrics === "on" &&
      recordCalls(
        env,
        chain.slug,
        measure({ items, answers, costs, tenant: key.tenantId, started, now: Date.now(), refusedWith }),
        waitUntil,
      );
    const errorsAs = (answers: Answer[] | undefined, failedWith: number | undefined, now: number) =>
      errorsOf({ answers, failedWith, calls: items.length, keyId: key.keyId, now });
    if (admission.error) {
      measured(undefined, admission.error.httpStatus);
      recordErrors(env, key.tenantId, errorsAs(undefined, admission.error.rpcCode, Date.now()), waitUntil);
      return { ok: false, error: admission.error, headers };
    }
    let answered: Answered | undefined;
    let failure: unknown;
    try {
      const refusals = sends ? await screen(env, refused, sends, context) : refused;
      answered = await answerAdmitted(p, context, items, refusals, settings.upstreamTimeoutMs);
      return { ok: true, single, ...answered, headers };
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      const now = Date.now();
      const failed = answered?.answers.map((a) => !a.ok);
      const rows = usageOf({ items, costs, failed, keyId: key.keyId, chain: chain.slug, now });
      const failedWith = answered ? undefined : toGatewayError(failure).rpcCode;
      recordUsage(env, key.tenantId, rows, waitUntil, errorsAs(answered?.answers, failedWith, now));
      measured(answered?.answers);
    }
  } catch (err) {
    return { ok: false, error: toGatewayError(err), headers };
  }
}

/** The admitted calls: answered by the gateway, or through their hooks, the cache and the upstreams. */
async function answerAdmitted(
  p: PipelineParameters,
  context: ForwardContext,
  items: readonly RpcItem[],
  refusals: Refusals,
  attemptTimeoutMs: number,
): Promise<Answered> {
  const { env, waitUntil } = p;
  const { chain } = context;
  const calls: Calls = items.map((item, i) => (item.ok && !refusals[i] ? item : undefined));
  const here = answerHere(calls, { subscriptions: p.subscriptions });
  const deadline = Date.now() + chain.budgetMs;
  const forwarded = forwardedOf(calls);
  const probing = forwarded.length > 0 ? probeChain(env.CONFIG_KV, chain, waitUntil) : undefined;
  if (probing) await probing;
  const forwarding = planForwarding(calls, forwarded, context);
  const cacheUse = { env, chain, mode: p.cacheMode, waitUntil };
  const reading = readCache({ ...cacheUse, calls: forwarding.parts });
  // Promises are awaited only where there is something to wait for: most requests have none here.
  const cached = reading instanceof Promise ? await reading : reading;
  const keep = (plan: CachePlan, result: ForwardCallReturnType) => keepResult(cacheUse, plan, result);
  const plans = cached.misses;
  const caller = context.key.tenantId;
  const routed =
    plans.length > 0
      ? await routeCalls({ ...cacheUse, caller, plans, deadline, attemptTimeoutMs, keep })
      : [];
  const combining = combineResults(forwarding, withRouted(cached.hits, routed), context);
  const results = combining instanceof Promise ? await combining : combining;
  const answers = normalize({ items, refusals, here: here instanceof Promise ? await here : here, results });
  return { answers, attempts: attemptsOf(results) };
}

/**
 * Each call's refusal: the method's or its decoding's, else what recovering its signatures found.
 * When the sanctions set cannot be read, the sends are refused and the request's other calls served.
 */
async function screen(
  env: Env,
  refused: Refusals,
  sends: DecodedSends,
  { key, chain }: ForwardContext,
): Promise<Refusals> {
  const screened = await screenTransactions(env, sends.decoded, key, chain.slug).catch((err: unknown) => {
    console.warn(JSON.stringify({ event: "screening_failed", error: String(err).slice(0, 200) }));
    const error = new ScreeningUnavailableError(
      "the sanctions list could not be read, so transactions cannot be screened; retry shortly",
      { data: { reason: "sanctions list unavailable" } },
    );
    return new Map(sends.decoded.map(({ index }) => [index, error]));
  });
  return refused.map((refusal, i) => refusal ?? screened.get(i));
}

function sum(costs: readonly number[]): number {
  let total = 0;
  for (const c of costs) total += c;
  return total;
}

// Routing scenarios of npm run bench (see run.mjs): a fresh chain each, so routing state starts
// clean, with three upstreams that are three fault proxies (scripts/lib/faultProxy.mjs) in front of
// the one anvil, driven with the same uncacheable eth_getBalance stream as the rest of the bench.
//
//   failover_kill   DURATION s of load; 4 s in, the upstream taking most calls stops listening
//                   (connections refused). Every client response must still be a result:
//                   failed_reads (non-2xx, errors, timeouts, bodies without a result) targets 0.
//   slow_upstream   3 s to settle, HEALTHY s measured all healthy, then +300 ms on the upstream taking
//                   most calls and DURATION s more, in one continuous run. p50_vs_healthy (slow-phase
//                   p50 over the healthy p50) targets <= 1.2; share_to_slow_after_2s (calls the slow
//                   upstream got from 2 s after the fault to the end, probes included, over the calls
//                   of all three) targets < 0.05.
//
// Which upstream takes the calls comes from the proxies' /stats, sampled through the run (and kept
// as a per-second timeline in results.json); the x-upstream-id and x-upstream-attempts headers of
// each response tell who answered and how often the gateway had to ask. The proxies run on a thread
// of their own (bench/proxies.mjs), warmed up before each scenario.
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { adminApi } from "../scripts/lib/seed.mjs";
import { freshCall, isResult, streamOptions } from "./calls.mjs";
import { startProxies } from "./proxies.mjs";

const NAMES = ["proxy-a", "proxy-b", "proxy-c"];
/** Lets routing settle on the fresh chain (probes, first samples) before measuring. */
const SETTLE_S = 3;
const SLOW_MS = 300;
/** Calls the slow upstream still gets this long after the fault are counted against routing. */
const GRACE_MS = 2_000;
const SAMPLE_MS = 250;

export const TARGETS = { failed_reads: 0, p50_vs_healthy: 1.2, share_to_slow_after_2s: 0.05 };

/** Seconds the routing scenarios take, without start-up. */
export const routingSeconds = ({ duration, healthy }) => duration + SETTLE_S + healthy + duration;

const round2 = (x) => Math.round(x * 100) / 100;
const round4 = (x) => Math.round(x * 10_000) / 10_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

async function control(proxy, path, body) {
  const res = await fetch(`${proxy.controlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fault proxy ${path}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Three fault proxies in front of anvil, as the upstreams of a new chain. `stops` gets their stops
 * (for an early exit); `stop` of the result stops them too.
 */
async function routedChain({ gatewayUrl, token, key, anvilUrl, scenario, stops }) {
  const api = adminApi({ gatewayUrl, token });
  const { proxies, stop } = await startProxies({ target: anvilUrl, count: NAMES.length });
  stops.push(stop);
  const slug = `bench-${scenario.replaceAll("_", "-")}-${Date.now().toString(36)}`;
  await api("POST", "/chains", { slug, chainId: 31337, name: `bench ${scenario}` });
  const upstreams = [];
  for (const [i, proxy] of proxies.entries()) {
    const name = NAMES[i];
    const { id } = await api("POST", `/chains/${slug}/upstreams`, { name, url: proxy.url });
    upstreams.push({ ...proxy, name, id });
  }
  await warmProxies(upstreams);
  return { url: `${gatewayUrl}/v1/${slug}/${key}`, slug, upstreams, stop };
}

/**
 * Sends the call stream straight through each proxy to anvil for a moment, so that a scenario does
 * not start on a cold proxy thread (JIT, connections to anvil). The gateway sees none of it: its
 * routing state for the chain stays clean.
 */
async function warmProxies(upstreams) {
  await Promise.all(
    upstreams.map((u) =>
      autocannon({
        url: u.url,
        method: "POST",
        headers: { "content-type": "application/json" },
        connections: 4,
        duration: 1,
        requests: [{ setupRequest: (request) => ({ ...request, body: freshCall() }) }],
      }),
    ),
  );
}

/** Calls each upstream has received, in the order of `upstreams`. */
async function callCounts(upstreams) {
  return Promise.all(upstreams.map(async (u) => (await control(u, "/stats")).calls));
}

/**
 * Drives `url` for `seconds` and keeps every response: when it ended (ms since the start), its
 * latency, whether it was a result, who answered, in how many attempts. Meanwhile samples the
 * upstreams' call counts every SAMPLE_MS. `at(ms, action)` runs an action that far into the run.
 */
function load({ url, seconds, connections, upstreams }) {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const responses = [];
  const errors = [];
  const samples = [];
  /** The response whose body was just seen; autocannon reports its latency right after. */
  let last;
  const instance = autocannon({
    ...streamOptions({ url, seconds, connections }),
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: freshCall() }),
        onResponse: (status, body, _context, headers) => {
          const header = (name) => headers[name] ?? headers[name.toLowerCase()];
          last = {
            t: now(),
            ms: Number.NaN,
            ok: status >= 200 && status < 300 && isResult(String(body)),
            upstream: header("x-upstream-id"),
            attempts: Number(header("x-upstream-attempts") ?? 0),
          };
          responses.push(last);
        },
      },
    ],
  });
  instance.on("response", (_client, _status, _bytes, ms) => {
    if (last) last.ms = ms;
    last = undefined;
  });
  instance.on("reqError", (err) => errors.push({ t: now(), message: String(err?.message ?? err) }));
  const sample = async () => {
    const t = now();
    samples.push({ t, calls: await callCounts(upstreams) });
  };
  // One sample at a time, so they stay in order of time.
  let sampling = true;
  const sampler = (async () => {
    while (sampling) await Promise.all([sample(), sleep(SAMPLE_MS)]);
  })();
  const actions = [];
  return {
    now,
    samples,
    at: (ms, action) => {
      actions.push(new Promise((resolve, reject) => setTimeout(() => action().then(resolve, reject), ms)));
    },
    done: async () => {
      const result = await instance;
      sampling = false;
      await Promise.all([sampler, ...actions]);
      await sample();
      return { responses, errors, samples, result };
    },
  };
}

/** The upstream that took most calls over the last second, by the proxies' counters. */
async function busiest(upstreams, samples, now) {
  const current = await callCounts(upstreams);
  const before = samples.findLast((s) => s.t <= now - 1_000) ?? samples[0];
  const recent = current.map((n, i) => n - (before?.calls[i] ?? 0));
  return { index: recent.indexOf(Math.max(...recent)), recent };
}

const byName = (upstreams, counts) => Object.fromEntries(upstreams.map((u, i) => [u.name, counts[i]]));
const delta = (later, earlier) => later.map((n, i) => n - (earlier[i] ?? 0));

/** Who answered the given responses (x-upstream-id), by upstream name. */
function answeredBy(upstreams, responses) {
  const names = new Map(upstreams.map((u) => [u.id, u.name]));
  const counts = {};
  for (const r of responses) {
    const name = names.get(r.upstream) ?? (r.upstream ? r.upstream : "none");
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Calls per second each upstream took, from the samples, one entry per whole second of the run. */
function timeline(upstreams, samples) {
  const rows = [];
  for (let second = 1; ; second++) {
    const end = samples.findLast((s) => s.t <= second * 1_000);
    const start = samples.findLast((s) => s.t <= (second - 1) * 1_000) ?? { t: 0, calls: [0, 0, 0] };
    if (!end || end === start || samples.at(-1)?.t < second * 1_000 - SAMPLE_MS) break;
    const rate = delta(end.calls, start.calls).map((n) => Math.round((n * 1_000) / (end.t - start.t)));
    rows.push({ second, ...byName(upstreams, rate) });
  }
  return rows;
}

function latencyFigures(responses) {
  const ms = responses.filter((r) => r.ok).map((r) => r.ms);
  return { p50_ms: round2(percentile(ms, 0.5)), p99_ms: round2(percentile(ms, 0.99)) };
}

const failedIn = (responses, errors) => responses.filter((r) => !r.ok).length + errors.length;

async function failoverKill({ chain, connections, duration }) {
  const { upstreams } = chain;
  await Promise.all(upstreams.map((u) => control(u, "/reset", {})));
  const run = load({ url: chain.url, seconds: duration, connections, upstreams });
  const killAtMs = Math.min(4, duration / 2) * 1_000;
  /** @type {{ t: number, index: number, recent: number[], counts: number[] } | undefined} */
  let kill;
  run.at(killAtMs, async () => {
    const { index, recent } = await busiest(upstreams, run.samples, run.now());
    await control(upstreams[index], "/fault", { mode: "refuse" });
    kill = { t: run.now(), index, recent, counts: await callCounts(upstreams) };
  });
  const { responses, errors, samples: all, result } = await run.done();
  if (!kill) throw new Error("failover_kill: the kill did not happen");
  const end = all.at(-1)?.calls ?? [0, 0, 0];
  const after = responses.filter((r) => r.t >= kill.t);
  const ok = responses.filter((r) => r.ok).length;
  return {
    failed_reads: failedIn(responses, errors),
    requests: responses.length + errors.length,
    rps: Math.round(ok / result.duration),
    ...latencyFigures(responses),
    p99_ms_after_kill: latencyFigures(after).p99_ms,
    connections,
    duration_s: round2(result.duration),
    killed: upstreams[kill.index]?.name,
    killed_at_s: round2(kill.t / 1_000),
    calls_last_s_before_kill: byName(upstreams, kill.recent),
    calls_before_kill: byName(upstreams, kill.counts),
    calls_after_kill: byName(upstreams, delta(end, kill.counts)),
    answered_by_before_kill: answeredBy(
      upstreams,
      responses.filter((r) => r.t < kill.t),
    ),
    answered_by_after_kill: answeredBy(upstreams, after),
    multi_attempt_responses: responses.filter((r) => r.attempts > 1).length,
    failures_sample: [
      ...responses.filter((r) => !r.ok).map((r) => `${round2(r.t / 1_000)} s: not a result`),
      ...errors.map((e) => `${round2(e.t / 1_000)} s: ${e.message}`),
    ].slice(0, 5),
    timeline_calls_per_s: timeline(upstreams, all),
  };
}

async function slowUpstream({ chain, connections, duration, healthy }) {
  const { upstreams } = chain;
  await Promise.all(upstreams.map((u) => control(u, "/reset", {})));
  const run = load({ url: chain.url, seconds: SETTLE_S + healthy + duration, connections, upstreams });
  /** @type {{ t: number, index: number, recent: number[], counts: number[] } | undefined} */
  let fault;
  /** @type {number[] | undefined} */
  let afterGrace;
  run.at((SETTLE_S + healthy) * 1_000, async () => {
    const { index, recent } = await busiest(upstreams, run.samples, run.now());
    await control(upstreams[index], "/fault", { mode: "latency", ms: SLOW_MS });
    fault = { t: run.now(), index, recent, counts: await callCounts(upstreams) };
    await sleep(GRACE_MS);
    afterGrace = await callCounts(upstreams);
  });
  const { responses, errors, samples: all, result } = await run.done();
  if (!fault || !afterGrace) throw new Error("slow_upstream: the fault did not happen");
  const { t, index } = fault;
  const end = all.at(-1)?.calls ?? [0, 0, 0];
  const late = delta(end, afterGrace);
  const lateTotal = late.reduce((a, b) => a + b, 0);
  const healthyPhase = responses.filter((r) => r.t >= SETTLE_S * 1_000 && r.t < t);
  const slowPhase = responses.filter((r) => r.t >= t);
  const healthyFigures = latencyFigures(healthyPhase);
  const slowFigures = latencyFigures(slowPhase);
  const slowName = upstreams[index]?.name;
  const okIn = (list, from, to) => list.filter((r) => r.ok).length / ((to - from) / 1_000);
  return {
    p50_vs_healthy: round2(slowFigures.p50_ms / healthyFigures.p50_ms),
    share_to_slow_after_2s: lateTotal === 0 ? Number.NaN : round4((late[index] ?? 0) / lateTotal),
    healthy_p50_ms: healthyFigures.p50_ms,
    healthy_p99_ms: healthyFigures.p99_ms,
    healthy_rps: Math.round(okIn(healthyPhase, SETTLE_S * 1_000, t)),
    slow_p50_ms: slowFigures.p50_ms,
    slow_p99_ms: slowFigures.p99_ms,
    slow_rps: Math.round(okIn(slowPhase, t, result.duration * 1_000)),
    slow_upstream: slowName,
    slow_ms: SLOW_MS,
    fault_at_s: round2(t / 1_000),
    calls_last_s_before_fault: byName(upstreams, fault.recent),
    calls_to_slow_after_2s: late[index] ?? 0,
    calls_after_2s: byName(upstreams, late),
    calls_first_2s: byName(upstreams, delta(afterGrace, fault.counts)),
    answered_by_slow_after_fault: slowPhase.filter((r) => r.upstream === upstreams[index]?.id).length,
    multi_attempt_responses_after_fault: slowPhase.filter((r) => r.attempts > 1).length,
    failed_reads: failedIn(responses, errors),
    requests: responses.length + errors.length,
    connections,
    duration_s: round2(result.duration),
    timeline_calls_per_s: timeline(upstreams, all),
  };
}

const verdict = (pass) => (pass ? "PASS" : "MISS");

/**
 * Runs both scenarios, each on its own chain and proxies, and prints their figures against the
 * targets. Returns them as bench/results.json scenarios.
 */
export async function runRoutingScenarios({
  gatewayUrl,
  token,
  key,
  anvilUrl,
  connections,
  duration,
  healthy,
  stops,
}) {
  const setup = { gatewayUrl, token, key, anvilUrl, stops };
  console.log(
    `routing: 3 upstreams (fault proxies in front of anvil) on a fresh chain per scenario, ` +
      `${connections} connections`,
  );

  let chain = await routedChain({ ...setup, scenario: "failover_kill" });
  const failover = await failoverKill({ chain, connections, duration }).finally(chain.stop);
  console.log(`failover_kill (${chain.slug}): ${failover.killed} refused at ${failover.killed_at_s} s`);
  console.table({
    "calls before kill": failover.calls_before_kill,
    "calls after kill": failover.calls_after_kill,
  });
  console.log(
    `  ${failover.requests} requests, ${failover.rps} req/s, p50 ${failover.p50_ms} ms, ` +
      `p99 ${failover.p99_ms} ms (after the kill ${failover.p99_ms_after_kill} ms), ` +
      `${failover.multi_attempt_responses} took more than one upstream attempt (retries, hedges)`,
  );
  console.log(
    `  failed_reads: ${failover.failed_reads} (target ${TARGETS.failed_reads}) ` +
      verdict(failover.failed_reads <= TARGETS.failed_reads),
  );
  for (const line of failover.failures_sample) console.log(`    ${line}`);

  chain = await routedChain({ ...setup, scenario: "slow_upstream" });
  const slow = await slowUpstream({ chain, connections, duration, healthy }).finally(chain.stop);
  console.log(
    `slow_upstream (${chain.slug}): +${slow.slow_ms} ms on ${slow.slow_upstream} at ${slow.fault_at_s} s`,
  );
  console.table({
    healthy: { "req/s": slow.healthy_rps, "p50 ms": slow.healthy_p50_ms, "p99 ms": slow.healthy_p99_ms },
    slow: { "req/s": slow.slow_rps, "p50 ms": slow.slow_p50_ms, "p99 ms": slow.slow_p99_ms },
  });
  console.table({
    "calls first 2 s": slow.calls_first_2s,
    "calls after 2 s": slow.calls_after_2s,
  });
  console.log(
    `  p50_vs_healthy: ${slow.p50_vs_healthy} (target <= ${TARGETS.p50_vs_healthy}) ` +
      verdict(slow.p50_vs_healthy <= TARGETS.p50_vs_healthy),
  );
  console.log(
    `  share_to_slow_after_2s: ${slow.share_to_slow_after_2s} (target < ${TARGETS.share_to_slow_after_2s}) ` +
      verdict(slow.share_to_slow_after_2s < TARGETS.share_to_slow_after_2s),
  );
  if (slow.failed_reads > 0) console.warn(`  warning: ${slow.failed_reads} failed reads`);

  return { failover_kill: failover, slow_upstream: slow };
}

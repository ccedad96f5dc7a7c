// Metering parts of npm run bench (see run.mjs).
//
//   metered_vs_bare   The gateway's full path meters every request (shared/metering/admit.ts): each
//                     isolate leases METER_LEASE_MS (100) of the tenant's rate from the tenant's
//                     Durable Object at a time. run.mjs measures it against the bare Worker on a
//                     tenant whose limits are far above the load (ROOMY_LIMITS), so metering costs
//                     time but never refuses; target >= 0.85. Alongside, in the same alternating
//                     segments, a second gateway with METER_LEASE_MS "0" (one awaited call to the
//                     object per request): naive_do_vs_bare shows what leasing gains. And the floor
//                     (bench/floor): what any gateway that meters by method must do per call (read
//                     and parse the call, forward it with a timeout, read and parse the reply, answer
//                     with a new Response). floor_vs_bare is the most metered_vs_bare can be here;
//                     metered_vs_floor is the gateway's own cost on top of that.
//   over_limit        A fresh plan, tenant and key at OVER_LIMIT (2000 CU/s, burst 200) on the leasing
//                     gateway, offered twice its rate in eth_blockNumber calls for DURATION s, paced
//                     evenly and open loop (each call leaves on schedule, whatever became of the ones
//                     before). Every answer must be admitted (HTTP 200 with a result) or refused (HTTP
//                     429, JSON-RPC -32005, Retry-After); anything else is a failure.
//                     admitted_vs_limit = (admitted CU - burst) / (CU per second x seconds, from the
//                     first call sent to the last); target 0.95-1.05.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { adminApi } from "../scripts/lib/seed.mjs";
import { cuOf } from "../shared/metering/computeUnits.ts";

/** The plan of the tenant the throughput scenarios drive: limits far above any load the bench makes. */
export const ROOMY_LIMITS = { cuPerSecond: 100_000_000, burstCu: 200_000_000, monthlyCu: 1e15 };
/** Bindings of the naive gateway: no leases, the object is asked on every request. */
export const NAIVE_BINDINGS = { METER_LEASE_MS: "0" };
/** The over_limit plan; a small burst, so that it weighs little against the rate. */
export const OVER_LIMIT = { cuPerSecond: 2_000, burstCu: 200, monthlyCu: 1_000_000_000 };
/** The over_limit load, as a multiple of the plan's rate. */
const OVERLOAD = 2;
const METHOD = "eth_blockNumber";
const CALL = `{"jsonrpc":"2.0","id":1,"method":"${METHOD}"}`;
/** Connections the paced calls share; far more than 2x the limit needs at local latencies. */
const SOCKETS = 8;

export const TARGETS = { metered_vs_bare: 0.85, admitted_vs_limit: [0.95, 1.05] };

/** Seconds the over_limit scenario takes, without start-up. */
export const overLimitSeconds = (duration) => duration + 5;

const round2 = (x) => Math.round(x * 100) / 100;
const round4 = (x) => Math.round(x * 10_000) / 10_000;
const verdict = (pass) => (pass ? "PASS" : "MISS");

/**
 * naive_do_vs_bare, floor_vs_bare and metered_vs_floor from the loaded scenarios of run.mjs (bare,
 * gateway, floor, naive_do), printed with
 * metered_vs_bare against its target.
 */
export function meteringRatios({ bare, gateway, floor, naive_do: naive }) {
  const metered = round2(gateway.rps / bare.rps);
  const ratios = {
    naive_do_vs_bare: round2(naive.rps / bare.rps),
    floor_vs_bare: round2(floor.rps / bare.rps),
    metered_vs_floor: round2(gateway.rps / floor.rps),
  };
  console.log(
    `metered gateway/bare req/s: ${metered} (target >= ${TARGETS.metered_vs_bare}) ` +
      `${verdict(metered >= TARGETS.metered_vs_bare)}; naive (one meter call per request)/bare: ` +
      `${ratios.naive_do_vs_bare}; leasing serves ${round2(gateway.rps / naive.rps)}x the naive req/s; ` +
      `floor (parse, forward, parse the reply)/bare: ${ratios.floor_vs_bare}, gateway/floor: ` +
      `${ratios.metered_vs_floor}`,
  );
  return ratios;
}

/** One POST over `agent`; never rejects: a connection error comes back as status 0. */
function post(agent, url, body) {
  return new Promise((resolve) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = http.request(url, { method: "POST", agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on("error", (err) => resolve({ status: 0, headers: {}, body: String(err) }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timed out after 10 s")));
    req.on("error", (err) => resolve({ status: 0, headers: {}, body: String(err) }));
    req.end(body);
  });
}

/**
 * Offers `rate` calls per second to `url` for `seconds`, open loop: call i is sent at i / rate s.
 * Resolves, once every call is answered, with each answer and when its call was sent (ms from the
 * first), and how late the sends ran behind the schedule at worst.
 */
async function offer({ url, rate, seconds, body }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
  const total = Math.round(rate * seconds);
  const calls = [];
  let maxLagMs = 0;
  const t0 = performance.now();
  await new Promise((done) => {
    const tick = () => {
      const now = performance.now() - t0;
      // Every call now due (its time is calls.length / rate s), even when the timer fired late.
      while (calls.length < total && (calls.length * 1000) / rate <= now) {
        maxLagMs = Math.max(maxLagMs, now - (calls.length * 1000) / rate);
        calls.push({ sentMs: now, answer: post(agent, url, body) });
      }
      if (calls.length < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  const answers = await Promise.all(calls.map((c) => c.answer));
  agent.destroy();
  return {
    calls: calls.map((c, i) => ({ sentMs: c.sentMs, ...answers[i] })),
    maxLagMs,
  };
}

/** admitted: HTTP 200 with a result; refused: HTTP 429, -32005 and Retry-After; else a failure. */
function outcomeOf({ status, headers, body }) {
  let json;
  try {
    json = JSON.parse(body);
  } catch {}
  if (status === 200 && json && "result" in json && !("error" in json)) return "admitted";
  if (status === 429 && json?.error?.code === -32005 && headers["retry-after"]) return "refused";
  return "failed";
}

/**
 * over_limit on the gateway at `gatewayUrl`: a fresh plan, tenant and key, driven at OVERLOAD times
 * the plan's rate for `duration` s. Returns the scenario's figures for bench/results.json.
 */
export async function runOverLimit({ gatewayUrl, token, chain, duration }) {
  const api = adminApi({ gatewayUrl, token });
  const name = `bench-over-limit-${Date.now().toString(36)}`;
  const plan = await api("POST", "/plans", { name, ...OVER_LIMIT });
  const tenant = await api("POST", "/tenants", { name, planId: plan.id });
  const { key } = await api("POST", `/tenants/${tenant.id}/keys`, { name });
  // No call before the run: it would take a lease, and the bucket would refill behind it.
  const cu = cuOf(METHOD);
  const limitCalls = OVER_LIMIT.cuPerSecond / cu;
  const rate = OVERLOAD * limitCalls;
  console.log(
    `over_limit: ${METHOD} (${cu} CU) at ${rate} calls/s for ${duration} s, paced over ${SOCKETS} ` +
      `connections, on a plan of ${OVER_LIMIT.cuPerSecond} CU/s (${limitCalls} calls/s), burst ${OVER_LIMIT.burstCu} CU`,
  );
  const { calls, maxLagMs } = await offer({
    url: `${gatewayUrl}/v1/${chain}/${key}`,
    rate,
    seconds: duration,
    body: CALL,
  });

  const counts = { admitted: 0, refused: 0, failed: 0 };
  const admittedPerS = [];
  const failures = [];
  for (const call of calls) {
    const outcome = outcomeOf(call);
    counts[outcome] += 1;
    const second = Math.floor(call.sentMs / 1000);
    admittedPerS[second] = (admittedPerS[second] ?? 0) + (outcome === "admitted" ? 1 : 0);
    if (outcome === "failed" && failures.length < 5) {
      failures.push(`${round2(call.sentMs / 1000)} s: HTTP ${call.status} ${call.body.slice(0, 200)}`);
    }
  }
  const seconds = ((calls.at(-1)?.sentMs ?? 0) - (calls[0]?.sentMs ?? 0)) / 1000;
  const admittedCu = counts.admitted * cu;
  const result = {
    admitted_vs_limit: round4((admittedCu - OVER_LIMIT.burstCu) / (OVER_LIMIT.cuPerSecond * seconds)),
    ...counts,
    admitted_cu: admittedCu,
    cu_per_call: cu,
    cu_per_second: OVER_LIMIT.cuPerSecond,
    burst_cu: OVER_LIMIT.burstCu,
    limit_calls_per_s: limitCalls,
    offered_calls_per_s: round2((calls.length - 1) / seconds),
    admitted_calls_per_s: round2(counts.admitted / seconds),
    seconds: round2(seconds),
    max_send_lag_ms: round2(maxLagMs),
    admitted_per_s: admittedPerS.map((n) => n ?? 0),
    failures_sample: failures,
  };
  const [low, high] = TARGETS.admitted_vs_limit;
  console.log(
    `  offered ${result.offered_calls_per_s} calls/s over ${result.seconds} s (sends at most ` +
      `${result.max_send_lag_ms} ms late): admitted ${counts.admitted} (${result.admitted_calls_per_s}/s), ` +
      `refused ${counts.refused}, failed ${counts.failed}`,
  );
  console.log(`  admitted per second: ${result.admitted_per_s.join(" ")}`);
  console.log(
    `  admitted_vs_limit: ${result.admitted_vs_limit} (target ${low}-${high}) ` +
      verdict(result.admitted_vs_limit >= low && result.admitted_vs_limit <= high),
  );
  if (counts.failed > 0) {
    console.warn(`  warning: ${counts.failed} calls neither admitted nor refused`);
    for (const line of failures) console.warn(`    ${line}`);
  }
  return result;
}

// npm run bench: the gateway against a bare pass-through Worker (bench/bare), both in workerd through
// miniflare with direct sockets, in front of the same anvil, in the same run. Both get the same stream
// of uncacheable calls (eth_getBalance of a fresh random address at `latest`, bench/calls.mjs) from
// autocannon: a warm-up each, then measured segments that alternate between them. Prints req/s, p50
// and p99 of each and the ratios, and merges them into bench/results.json.
//
// The gateway's tenant has limits far above the load, so metering costs time but refuses nothing.
// A second gateway that asks the tenant's meter on every request (METER_LEASE_MS "0", the naive
// variant) joins the same alternation, and so does the floor (bench/floor: parse, forward, parse the
// reply, nothing else): metered_vs_bare, naive_do_vs_bare, floor_vs_bare (bench/metering.mjs).
// The floor joins the baseline too: gateway_vs_floor and, with one connection,
// gateway_p50_added_over_floor_ms_1conn (bench/floor.mjs).
// With the baseline, the same tenant through a key with allowlists joins too: restricted_vs_gateway
// (bench/restricted.mjs); and a second gateway without request metrics: metrics_vs_gateway
// (bench/metrics.mjs).
//
// Then one connection each, for the latency a lone client feels.
//
// Then over_limit (bench/metering.mjs): a plan of 2000 CU/s offered twice that, paced; the calls
// admitted must match the limit within 5%.
//
// Then the cache scenarios (bench/cache.mjs), bare and gateway alternating as above, after anvil has
// mined 200 blocks so that old ones are final: cache_hit (the same finalized block by number over and
// over; cache_hit_vs_bare targets >= 1.5) and mixed (60% finalized blocks from a set of 50, 40% fresh
// eth_getBalance at `latest`; the gateway's hit rate from x-cache, and mixed_vs_bare).
//
// Then the routing scenarios (bench/routing.mjs), on the same gateway: failover_kill (one of three
// upstreams refuses connections mid-run; no read may fail) and slow_upstream (one of three gets
// +300 ms; p50 must stay near the healthy one and calls must move away from it).
//
// Then the WebSocket scenarios (bench/ws.mjs), on the same gateway, on a chain of its own whose
// upstream is a second anvil that mines only on demand: ws_1000 and ws_10000 (sockets subscribed to
// newHeads from child processes, bench/wsClients.mjs; blocks mined one at a time; propagation from
// evm_mine returning to each socket receiving the block: p99 <= 20 and 100 ms, every block to every
// socket, in order; the RSS of the gateway's workerd).
//
// Then the edge model (bench/edge.mjs): a gateway whose KV, D1 and Durable Object calls and upstream
// take what they take deployed, against the floor on the same upstream, for a cold isolate's first
// call and warm calls: added_ms over the floor and the binding round trips before the upstream call.
//
// Settings (environment): BENCH_DURATION seconds measured per scenario (10), BENCH_CONNECTIONS (16),
// BENCH_WARMUP seconds per scenario (8), BENCH_ROUNDS segments per scenario (2), BENCH_UNLOADED
// seconds at one connection per scenario (6), BENCH_HEALTHY seconds measured all healthy before
// slow_upstream's fault (5), BENCH_ONLY to run only one part: baseline (bare and gateway, loaded and
// with one connection), metering (bare, gateway, floor and naive loaded, then over_limit), cache
// (bare and gateway on cache_hit and mixed), routing, ws or edge (BENCH_EDGE_COLD, BENCH_EDGE_CALLS: see
// bench/edge.mjs). BENCH_WS_SIZES (1000,10000),
// BENCH_WS_BLOCKS (20) and BENCH_WS_PROCS: see bench/ws.mjs.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { startAnvil } from "../scripts/lib/anvil.mjs";
import { ROOT, startGateway } from "../scripts/lib/gateway.mjs";
import { freePort } from "../scripts/lib/ports.mjs";
import { seedDemo } from "../scripts/lib/seed.mjs";
import { adminToken } from "../scripts/lib/token.mjs";
import { startWorker } from "../scripts/lib/worker.mjs";
import { cacheSeconds, runCacheScenarios } from "./cache.mjs";
import { FRESH_STREAM, freshCall, isResult, streamOptions } from "./calls.mjs";
import { edgeSeconds, runEdgeScenarios } from "./edge.mjs";
import { floorRatios } from "./floor.mjs";
import { meteringRatios, NAIVE_BINDINGS, overLimitSeconds, ROOMY_LIMITS, runOverLimit } from "./metering.mjs";
import { METRICS_OFF, metricsRatios } from "./metrics.mjs";
import { restrictedKeyUrl, restrictedRatios } from "./restricted.mjs";
import { routingSeconds, runRoutingScenarios } from "./routing.mjs";
import { runWsScenarios, WS_LIMITS, wsSeconds } from "./ws.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const RESULTS = resolve(HERE, "results.json");
// Bundles go inside the repository (git-ignored): workerd refuses module paths outside its working
// directory.
const OUT_DIR = resolve(HERE, ".wrangler/build");

const setting = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const DURATION = setting("BENCH_DURATION", 10);
const CONNECTIONS = Math.round(setting("BENCH_CONNECTIONS", 16));
// The first seconds after start-up run 10-25% slow (JIT, caches): warm up long enough.
const WARMUP = setting("BENCH_WARMUP", 8);
const UNLOADED_SECONDS = setting("BENCH_UNLOADED", 6);
const ROUNDS = Math.round(setting("BENCH_ROUNDS", 2));
const HEALTHY = setting("BENCH_HEALTHY", 5);
const ONLY = process.env.BENCH_ONLY ?? "";
if (!["", "baseline", "metering", "cache", "routing", "ws", "edge"].includes(ONLY))
  throw new Error("BENCH_ONLY must be baseline, metering, cache, routing, ws or edge");
const BASELINE = ONLY === "" || ONLY === "baseline";
const METERING = ONLY === "" || ONLY === "metering";
const CACHE = ONLY === "" || ONLY === "cache";
const ROUTING = ONLY === "" || ONLY === "routing";
const WS = ONLY === "" || ONLY === "ws";
const EDGE = ONLY === "" || ONLY === "edge";
/**
 * Workers driven with the uncacheable stream: the bare one and the gateway (the floor and the naive
 * gateway too for metering), or the gateway alone, warmed up before routing.
 */
const LOADED = BASELINE || METERING ? 3 + (METERING ? 1 : 0) + (BASELINE ? 2 : 0) : ROUTING ? 1 : 0;

/** Stops what was started (anvil, the Workers, fault proxies), then exits. */
const stops = [];
async function shutdown(code) {
  const timeout = new Promise((r) => setTimeout(r, 10_000).unref());
  await Promise.race([Promise.allSettled(stops.map((stop) => stop())), timeout]);
  process.exit(code);
}
process.once("SIGINT", () => shutdown(130));
process.once("SIGTERM", () => shutdown(143));
// Whatever happens, the bench ends: startup, warm-up, the measured segments, and a margin.
const deadlineMs =
  (120 +
    LOADED * (WARMUP + DURATION + ROUNDS) +
    (BASELINE ? LOADED * UNLOADED_SECONDS : 0) +
    (METERING ? overLimitSeconds(DURATION) : 0) +
    (CACHE ? cacheSeconds({ warmup: WARMUP, duration: DURATION, rounds: ROUNDS }) : 0) +
    (ROUTING ? 30 + routingSeconds({ duration: DURATION, healthy: HEALTHY }) : 0) +
    (WS ? wsSeconds() : 0) +
    (EDGE ? edgeSeconds() : 0)) *
  1000;
setTimeout(() => {
  console.error(`bench: not done after ${deadlineMs / 1000} s, giving up`);
  shutdown(1);
}, deadlineMs).unref();

/**
 * Drives `url` with a call stream (calls.mjs) for `seconds`. Latencies come from autocannon's
 * per-response timings (sub-millisecond), not its histogram, which rounds to whole milliseconds.
 * @param {string} url
 * @param {number} seconds
 * @param {{ connections?: number, stream?: import("./calls.mjs").CallStream }} [options]
 */
async function drive(url, seconds, { connections = CONNECTIONS, stream = FRESH_STREAM } = {}) {
  const latencies = [];
  const next = stream.calls();
  /** Responses by x-cache value ("none" without one), when the stream asks for them. */
  const cache = {};
  const instance = autocannon({
    ...streamOptions({ url, seconds, connections }),
    verifyBody: stream.verify,
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: next() }),
        // Only when asked: handing autocannon onResponse makes it build a headers object per response.
        ...(stream.countCache && {
          onResponse: (_status, _body, _context, headers) => {
            const value = headers["x-cache"] ?? "none";
            cache[value] = (cache[value] ?? 0) + 1;
          },
        }),
      },
    ],
  });
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  return {
    latencies,
    seconds: result.duration,
    // Bodies that fail verifyBody are still 2xx and timed; they count as errors, not as served.
    served: latencies.length - result.mismatches,
    errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
    statuses: Object.entries(result.statusCodeStats ?? {}).filter(([status]) => !status.startsWith("2")),
    cache,
  };
}

/** One call must succeed; a gateway must also show itself (x-upstream-id), so they are not mixed up. */
async function smokeTest(name, url) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: freshCall(),
  });
  const body = await res.text();
  if (!res.ok || !isResult(body))
    throw new Error(`${name} did not answer a call: HTTP ${res.status} ${body}`);
  const gateway = name !== "bare" && name !== "floor";
  if (gateway !== res.headers.has("x-upstream-id")) {
    throw new Error(`${url} does not look like the ${name} Worker (x-upstream-id header)`);
  }
}

const round2 = (x) => Math.round(x * 100) / 100;

function summarize(segments, connections = CONNECTIONS) {
  const latencies = segments.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const at = (p) => latencies[Math.max(0, Math.ceil(p * latencies.length) - 1)] ?? Number.NaN;
  const seconds = segments.reduce((sum, s) => sum + s.seconds, 0);
  const served = segments.reduce((sum, s) => sum + s.served, 0);
  /** Non-2xx answers by HTTP status (429 or 503 from the meter, for one). */
  const failedStatuses = {};
  for (const [status, { count }] of segments.flatMap((s) => s.statuses)) {
    failedStatuses[status] = (failedStatuses[status] ?? 0) + count;
  }
  /** Responses by x-cache value, when the stream counted them and the Worker sent the header. */
  const cache = {};
  for (const [value, count] of segments.flatMap((s) => Object.entries(s.cache))) {
    cache[value] = (cache[value] ?? 0) + count;
  }
  return {
    rps: Math.round(served / seconds),
    p50_ms: round2(at(0.5)),
    p99_ms: round2(at(0.99)),
    errors: segments.reduce((sum, s) => sum + s.errors, 0),
    ...(Object.keys(failedStatuses).length > 0 && { failed_statuses: failedStatuses }),
    ...(Object.keys(cache).some((value) => value !== "none") && { x_cache: cache }),
    requests: served,
    connections,
    duration_s: round2(seconds),
  };
}

function commit() {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** Merges into bench/results.json, keeping the scenarios and ratios that other benches wrote. */
async function writeResults(scenarios, ratios) {
  const previous = await readFile(RESULTS, "utf8").then(
    (text) => JSON.parse(text),
    () => ({}),
  );
  const merged = {
    ...previous,
    commit: commit(),
    scenarios: { ...previous.scenarios, ...scenarios },
    ratios: { ...previous.ratios, ...ratios },
  };
  await writeFile(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
}

/**
 * The Workers in `targets` under load with `stream`: a warm-up each, then DURATION s each in ROUNDS
 * alternating segments. Returns each one's summary, by the names of `targets`.
 * @param {Record<string, string>} targets
 * @param {import("./calls.mjs").CallStream} stream
 */
async function alternate(targets, stream) {
  const names = Object.keys(targets);
  console.log(
    `bench: ${stream.label} to ${names.join(", ")}, ${CONNECTIONS} connections, ` +
      `${WARMUP} s warm-up + ${DURATION} s measured in ${ROUNDS} alternating segments per scenario`,
  );
  for (const url of Object.values(targets)) await drive(url, WARMUP, { stream });
  // Alternate, and reverse the order every other round, so drift (anvil's state, the JIT, other
  // load on the machine) falls on all scenarios alike.
  const segments = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : names.toReversed();
    for (const name of order) segments[name].push(await drive(targets[name], DURATION / ROUNDS, { stream }));
  }
  return Object.fromEntries(names.map((name) => [name, summarize(segments[name])]));
}

/**
 * The Workers in `targets` (bare first, then the gateway, then any other gateway) under load, in
 * alternating segments; then, when `unloaded`, one connection each.
 */
async function baseline(targets, { unloaded }) {
  const names = Object.keys(targets);
  const scenarios = await alternate(targets, FRESH_STREAM);
  const vsBare = round2(scenarios.gateway.rps / scenarios.bare.rps);
  const ratios = {
    gateway_vs_bare: vsBare,
    // The same figure: the gateway's full path meters every request.
    metered_vs_bare: vsBare,
    gateway_p50_added_ms: round2(scenarios.gateway.p50_ms - scenarios.bare.p50_ms),
  };

  if (unloaded) {
    // The latency a lone client feels: one connection, so no Worker is saturated.
    const lone = Object.fromEntries(names.map((name) => [name, []]));
    for (const name of [...names, ...names.toReversed()]) {
      lone[name].push(await drive(targets[name], UNLOADED_SECONDS / 2, { connections: 1 }));
    }
    for (const name of names) scenarios[`${name}_1conn`] = summarize(lone[name], 1);
    ratios.gateway_p50_added_ms_1conn = round2(scenarios.gateway_1conn.p50_ms - scenarios.bare_1conn.p50_ms);
  }

  console.table(
    Object.fromEntries(
      Object.entries(scenarios).map(([name, s]) => [
        name,
        { "req/s": s.rps, "p50 ms": s.p50_ms, "p99 ms": s.p99_ms, errors: s.errors },
      ]),
    ),
  );
  console.log(
    `gateway/bare req/s: ${ratios.gateway_vs_bare} (target >= 0.8); ` +
      `gateway p50 added: ${ratios.gateway_p50_added_ms} ms (target <= 1)` +
      (unloaded ? `; with one connection: ${ratios.gateway_p50_added_ms_1conn} ms` : ""),
  );
  if (targets.naive_do) Object.assign(ratios, meteringRatios(scenarios));
  if (targets.restricted) Object.assign(ratios, restrictedRatios(scenarios));
  if (targets.no_metrics) Object.assign(ratios, metricsRatios(scenarios));
  if (targets.floor) Object.assign(ratios, floorRatios(scenarios));
  for (const [name, s] of Object.entries(scenarios)) {
    if (s.errors > 0) {
      const statuses = s.failed_statuses ? ` (HTTP ${JSON.stringify(s.failed_statuses)})` : "";
      console.warn(`warning: ${name} had ${s.errors} failed requests${statuses} (see the Worker logs above)`);
    }
  }
  return { scenarios, ratios };
}

async function main() {
  const anvil = await startAnvil({ chainId: 31337, blockTime: 1 });
  stops.push(anvil.stop);
  const secret = randomBytes(32).toString("hex");
  const bindings = {
    ADMIN_JWT_SECRET: secret,
    UPSTREAM_KEY: randomBytes(32).toString("base64"),
    AUDIT_KEY: randomBytes(32).toString("base64"),
  };
  const gatewayOn = (name, extra = {}) =>
    freePort().then((port) =>
      startGateway({
        port,
        persistRoot: false,
        bindings: { ...bindings, ...extra },
        outDir: resolve(OUT_DIR, name),
      }),
    );
  const starting = { gateway: gatewayOn("gateway") };
  const baselineOn = (name, extra = {}) =>
    freePort().then((port) =>
      startWorker({
        configPath: resolve(HERE, `${name}/wrangler.toml`),
        port,
        persistRoot: false,
        bindings: { UPSTREAM_URL: anvil.url, ...extra },
        outDir: resolve(OUT_DIR, name),
      }),
    );
  if (BASELINE || METERING || CACHE) starting.bare = baselineOn("bare");
  if (BASELINE || METERING) starting.floor = baselineOn("floor", { UPSTREAM_TIMEOUT_MS: "4000" });
  if (METERING) {
    starting.naive_do = gatewayOn("naive", NAIVE_BINDINGS);
  }
  if (BASELINE) starting.no_metrics = gatewayOn("no-metrics", METRICS_OFF);
  for (const worker of Object.values(starting)) stops.push(() => worker.then((w) => w.stop()));
  const [gateway, bare, floor, naive, noMetrics] = await Promise.all([
    starting.gateway,
    starting.bare,
    starting.floor,
    starting.naive_do,
    starting.no_metrics,
  ]);
  const token = await adminToken(secret);
  // Every gateway's tenant gets limits far above the load: the throughput scenarios measure what
  // metering costs, not refusals.
  const seed = async (url) => {
    const { key, chain, tenantId } = await seedDemo({
      gatewayUrl: url,
      token,
      upstreamUrl: anvil.url,
      limits: { ...ROOMY_LIMITS, ...WS_LIMITS },
      localOnly: true,
    });
    return { key, chain, tenantId, rpcUrl: `${url}/v1/${chain}/${key}` };
  };
  const { key, chain, rpcUrl, tenantId } = await seed(gateway.url);
  const targets = {};
  if (bare) targets.bare = bare.url;
  targets.gateway = rpcUrl;
  if (BASELINE)
    targets.restricted = await restrictedKeyUrl({ gatewayUrl: gateway.url, token, tenantId, chain });
  if (floor) targets.floor = floor.url;
  if (naive) targets.naive_do = (await seed(naive.url)).rpcUrl;
  if (noMetrics) targets.no_metrics = (await seed(noMetrics.url)).rpcUrl;
  for (const [name, url] of Object.entries(targets)) await smokeTest(name, url);

  let results = { scenarios: {}, ratios: {} };
  if (BASELINE || METERING) results = await baseline(targets, { unloaded: BASELINE });
  else if (ROUTING) {
    console.log(`bench: ${WARMUP} s warm-up of the gateway`);
    await drive(targets.gateway, WARMUP);
  }
  if (METERING) {
    results.scenarios.over_limit = await runOverLimit({
      gatewayUrl: gateway.url,
      token,
      chain,
      duration: DURATION,
    });
  }
  if (CACHE) {
    const cache = await runCacheScenarios({
      anvilUrl: anvil.url,
      targets: { bare: targets.bare, gateway: targets.gateway },
      measure: alternate,
    });
    Object.assign(results.scenarios, cache.scenarios);
    Object.assign(results.ratios, cache.ratios);
  }
  if (ROUTING) {
    const routing = await runRoutingScenarios({
      gatewayUrl: gateway.url,
      token,
      key,
      anvilUrl: anvil.url,
      connections: CONNECTIONS,
      duration: DURATION,
      healthy: HEALTHY,
      stops,
    });
    Object.assign(results.scenarios, routing);
  }
  if (WS) {
    const ws = await runWsScenarios({ gatewayUrl: gateway.url, token, key, stops });
    Object.assign(results.scenarios, ws.scenarios);
    Object.assign(results.ratios, ws.ratios);
  }
  if (EDGE) {
    const edge = await runEdgeScenarios({ anvilUrl: anvil.url, bindings, token, outDir: OUT_DIR, stops });
    Object.assign(results.scenarios, edge);
  }
  await writeResults(results.scenarios, results.ratios);
  console.log(`wrote ${RESULTS}`);
}

try {
  await main();
  await shutdown(0);
} catch (err) {
  console.error(err);
  await shutdown(1);
}

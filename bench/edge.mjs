// The edge model of npm run bench (see run.mjs): what a client feels of the round trips in front of
// the upstream call when storage is as far as it is deployed. Locally KV, D1 and Durable Objects
// answer in microseconds; here a gateway runs with BENCH_EDGE_LATENCY, which makes each of its KV
// reads 8 ms, D1 queries 40 ms and Durable Object calls 15 ms (shared/bench/edgeLatency.ts), and
// its upstream is a fault proxy that adds 25 ms in front of anvil. The floor Worker (bench/floor:
// parse, forward, parse) reaches the same proxy, so the difference is what the gateway adds.
//
//   warm   after a warm-up, BENCH_EDGE_CALLS sequential calls on one connection to each, in
//          alternating blocks: added_ms is the gateway's p50 minus the floor's.
//   cold   BENCH_EDGE_COLD times: a fresh gateway process and a fresh floor process on the same
//          persisted D1/KV/Durable Object state, each timed on its first call once it listens (so
//          workerd's own start-up and module load are not counted): added_ms is the median of
//          (gateway first call - floor first call).
//
// round_trips: from each response's x-bench-round-trips header, the binding calls made one after
// another before the upstream call (parallel calls count once; a probe waited for counts too); the
// median, with the calls that made them (e.g. kv:key, d1:api_keys, do:METER.acquire).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startGateway } from "../scripts/lib/gateway.mjs";
import { freePort } from "../scripts/lib/ports.mjs";
import { seedDemo } from "../scripts/lib/seed.mjs";
import { startWorker } from "../scripts/lib/worker.mjs";
import { freshCall, isResult } from "./calls.mjs";
import { startProxies } from "./proxies.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
/** Deployed latencies the model gives each binding call and the upstream, in ms. */
export const EDGE_LATENCY = { kv: 8, d1: 40, do: 15, upstream: 25 };
const positive = (name, fallback) => {
  const value = Math.round(Number(process.env[name] ?? fallback));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const COLD_RUNS = positive("BENCH_EDGE_COLD", 5);
const WARM_CALLS = positive("BENCH_EDGE_CALLS", 200);
const WARMUP_CALLS = 50;
const BLOCKS = 4;

/** Seconds the edge scenarios take, without the first start-up: warm calls, then cold restarts. */
export const edgeSeconds = () =>
  30 + Math.ceil(((WARM_CALLS + WARMUP_CALLS) * 2 * 60) / 1000) + COLD_RUNS * 15;

const round2 = (x) => Math.round(x * 100) / 100;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One call, timed from sending to the whole body read; with the round trips the gateway reported. */
async function timedCall(url) {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: freshCall(),
  });
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok || !isResult(body))
    throw new Error(`edge: ${url} did not answer a call: HTTP ${res.status} ${body}`);
  const header = res.headers.get("x-bench-round-trips");
  const [count, calls = ""] = (header ?? "").split(" ");
  return { ms, roundTrips: header === null ? undefined : Number(count), calls };
}

/** How often each chain of calls was seen, as `{ "kv:key": 3, "": 197 }` ("" for none). */
function tally(samples) {
  const counts = {};
  for (const { calls } of samples) counts[calls] = (counts[calls] ?? 0) + 1;
  return counts;
}

async function warm(gatewayUrl, floorUrl) {
  for (let i = 0; i < WARMUP_CALLS; i++) {
    await timedCall(gatewayUrl);
    await timedCall(floorUrl);
  }
  const gateway = [];
  const floor = [];
  // Alternating blocks, so drift falls on both alike.
  for (let block = 0; block < BLOCKS; block++) {
    const order = block % 2 ? [floorUrl, gatewayUrl] : [gatewayUrl, floorUrl];
    for (const url of order) {
      const into = url === gatewayUrl ? gateway : floor;
      for (let i = 0; i < WARM_CALLS / BLOCKS; i++) into.push(await timedCall(url));
    }
  }
  const gatewayP50 = median(gateway.map((s) => s.ms));
  const floorP50 = median(floor.map((s) => s.ms));
  return {
    added_ms: round2(gatewayP50 - floorP50),
    round_trips: median(gateway.map((s) => s.roundTrips)),
    round_trips_max: Math.max(...gateway.map((s) => s.roundTrips)),
    round_trip_calls: tally(gateway),
    gateway_p50_ms: round2(gatewayP50),
    floor_p50_ms: round2(floorP50),
    calls: gateway.length,
  };
}

async function cold({ startEdgeGateway, startFloor, rpcPath }) {
  const runs = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    const gateway = await startEdgeGateway();
    const first = await timedCall(`${gateway.url}${rpcPath}`).finally(() => gateway.stop());
    const floor = await startFloor();
    const floorFirst = await timedCall(floor.url).finally(() => floor.stop());
    runs.push({
      gateway_ms: round2(first.ms),
      floor_ms: round2(floorFirst.ms),
      round_trips: first.roundTrips,
      calls: first.calls,
    });
  }
  const added = runs.map((r) => r.gateway_ms - r.floor_ms);
  return {
    added_ms: round2(median(added)),
    round_trips: median(runs.map((r) => r.round_trips)),
    round_trip_calls: tally(runs),
    runs,
  };
}

/**
 * The delay proxy in front of anvil, and how to start the edge model's gateway (on persisted state
 * in a temporary folder, so a fresh process finds the seeded data) and floor. `stops` gets what is
 * started, for an early exit.
 */
async function edgeWorkers({ anvilUrl, bindings, outDir, stops }) {
  const { proxies, stop: stopProxies } = await startProxies({ target: anvilUrl, count: 1 });
  stops.push(stopProxies);
  const [proxy] = proxies;
  const set = await fetch(`${proxy.controlUrl}/fault`, {
    method: "POST",
    body: JSON.stringify({ mode: "latency", ms: EDGE_LATENCY.upstream }),
  });
  if (!set.ok) throw new Error(`edge: the fault proxy refused its latency: HTTP ${set.status}`);
  const state = await mkdtemp(join(tmpdir(), "bench-edge-"));
  stops.push(() => rm(state, { recursive: true, force: true }));
  const { upstream: _upstream, ...latency } = EDGE_LATENCY;
  const edgeBindings = { ...bindings, BENCH_EDGE_LATENCY: JSON.stringify(latency) };
  const started = new Set();
  const track = async (starting) => {
    const worker = await starting;
    started.add(worker);
    const stop = () => (started.delete(worker) ? worker.stop() : Promise.resolve());
    return { ...worker, stop };
  };
  stops.push(() => Promise.allSettled([...started].map((w) => w.stop())));
  const startEdgeGateway = async (triggerPort) =>
    track(
      startGateway({
        port: await freePort(),
        persistRoot: state,
        bindings: edgeBindings,
        outDir: resolve(outDir, "edge"),
        triggerPort,
      }),
    );
  const startFloor = async () =>
    track(
      startWorker({
        configPath: resolve(HERE, "floor/wrangler.toml"),
        port: await freePort(),
        persistRoot: false,
        bindings: { UPSTREAM_URL: proxy.url, UPSTREAM_TIMEOUT_MS: "4000" },
        outDir: resolve(outDir, "edge-floor"),
      }),
    );
  return { upstreamUrl: proxy.url, stopProxies, startEdgeGateway, startFloor };
}

/**
 * Runs the warm and cold edge scenarios against their own gateway and floor.
 * @param {{ anvilUrl: string, bindings: Record<string, string>, token: string, outDir: string, stops: (() => Promise<unknown>)[] }} options
 */
export async function runEdgeScenarios({ anvilUrl, bindings, token, outDir, stops }) {
  const workers = await edgeWorkers({ anvilUrl, bindings, outDir, stops });
  const { startEdgeGateway, startFloor } = workers;
  const gateway = await startEdgeGateway(await freePort());
  const seeded = { gatewayUrl: gateway.url, token, upstreamUrl: workers.upstreamUrl, localOnly: true };
  const { key, chain } = await seedDemo(seeded);
  // The cron's probe job writes the health snapshot a new isolate starts from.
  const cron = await fetch(
    `${gateway.entryUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`,
  );
  if (!cron.ok) throw new Error(`edge: the probe job failed: HTTP ${cron.status}`);
  const rpcPath = `/v1/${chain}/${key}`;
  const floor = await startFloor();
  const { kv, d1, do: object, upstream } = EDGE_LATENCY;
  console.log(
    `bench: edge model (KV ${kv} ms, D1 ${d1} ms, Durable Object ${object} ms, upstream ${upstream} ms): ` +
      `${WARM_CALLS} warm calls each, then ${COLD_RUNS} cold starts`,
  );
  const warmResult = await warm(`${gateway.url}${rpcPath}`, floor.url);
  await Promise.all([gateway.stop(), floor.stop()]);
  const coldResult = await cold({ startEdgeGateway, startFloor, rpcPath });
  await workers.stopProxies();
  console.table({
    cold: { "added ms": coldResult.added_ms, "round trips": coldResult.round_trips },
    warm: { "added ms": warmResult.added_ms, "round trips": warmResult.round_trips },
  });
  console.log(`edge cold round trips: ${JSON.stringify(coldResult.round_trip_calls)}`);
  console.log(`edge warm round trips: ${JSON.stringify(warmResult.round_trip_calls)}`);
  return { edge: { latency_ms: EDGE_LATENCY, cold: coldResult, warm: warmResult } };
}

// The gateway's ws scenarios against their bare baselines (bench/wsBare.mjs), and the measured
// per-socket cost the model of the deployed case starts from (bench/wsModel.mjs).

const round2 = (x) => Math.round(x * 100) / 100;
const verdict = (pass) => (pass ? "PASS" : "MISS");
/** ratios.ws_<size>_vs_bare at most. */
export const VS_BARE_TARGET = 1.1;

const cost = (s) =>
  `${s.cpu_us_per_socket} us CPU (user ${s.cpu_user_us_per_socket}, system ${s.cpu_system_us_per_socket}), ` +
  `${s.spread_us_per_socket} us spread`;

/**
 * ratios.ws_<size>_vs_bare (the gateway's p99 over the bare one's, at the gateway's shard count) and
 * ws_<size>_vs_bare_<K>shard(s) for the other counts; prints each with both per-socket costs.
 */
export function bareRatios(scenarios, sizes) {
  const ratios = {};
  for (const size of sizes) {
    const gateway = scenarios[`ws_${size}`];
    if (!gateway) continue;
    for (const [name, bare] of Object.entries(scenarios)) {
      if (!name.startsWith(`ws_${size}_bare`)) continue;
      const key = `ws_${size}_vs${name.slice(`ws_${size}`.length)}`;
      ratios[key] = round2(gateway.p99_ms / bare.p99_ms);
      ratios[`${key}_cpu_per_socket`] = round2(gateway.cpu_us_per_socket / bare.cpu_us_per_socket);
      // The median block's last socket: the typical whole fan-out, without the slowest blocks that
      // set p99 (on this shared machine, as often in the bare run as in the gateway's).
      ratios[`${key}_last_socket`] = round2(gateway.last_socket_ms / bare.last_socket_ms);
      const matched = name === `ws_${size}_bare`;
      console.log(
        `${key}: p99 ${gateway.p99_ms} ms against ${bare.p99_ms} ms (${bare.shards} bare shard` +
          `${bare.shards === 1 ? "" : "s"}): ${ratios[key]}` +
          (matched ? ` (target <= ${VS_BARE_TARGET}) ${verdict(ratios[key] <= VS_BARE_TARGET)}` : "") +
          `; per socket: gateway ${cost(gateway)}; bare ${cost(bare)}; ` +
          `first socket ${gateway.first_socket_ms} against ${bare.first_socket_ms} ms, last (median ` +
          `block) ${gateway.last_socket_ms} against ${bare.last_socket_ms} ms: ${ratios[`${key}_last_socket`]}; frames ` +
          `${gateway.frame_bytes} and ${bare.frame_bytes} bytes`,
      );
    }
  }
  return ratios;
}

/**
 * The gateway's per-socket delivery cost for the model: from ws_1000 (a regional shard's size) or
 * else the smallest size run, the larger of its CPU and spread per socket. Undefined without one.
 */
export function modelInputs(scenarios, sizes) {
  const size = sizes.includes(1000) ? 1000 : Math.min(...sizes);
  const s = scenarios[`ws_${size}`];
  if (!s || !(s.cpu_us_per_socket > 0 || s.spread_us_per_socket > 0)) return undefined;
  const cpu = Number.isFinite(s.cpu_us_per_socket) ? s.cpu_us_per_socket : 0;
  const spread = Number.isFinite(s.spread_us_per_socket) ? s.spread_us_per_socket : 0;
  const bare = scenarios[`ws_${size}_bare`];
  return {
    perSocketUs: Math.max(cpu, spread),
    bareUs: bare ? Math.max(bare.cpu_us_per_socket || 0, bare.spread_us_per_socket || 0) : undefined,
    perSocketSource:
      `ws_${size}: the larger of workerd CPU per socket per block (${cpu} us) and spread per socket ` +
      `(${spread} us)`,
  };
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/**
 * One scenario's rounds (bench/ws.mjs runSize figures) as one: latencies, first sockets and spreads
 * pooled, CPU per block averaged, counts added; the raw samples dropped.
 */
export function pool(runs) {
  const last = runs.at(-1);
  const latencies = runs.flatMap((r) => [...r.samples.latencies]).sort((a, b) => a - b);
  const sum = (field) => runs.reduce((n, r) => n + r[field], 0);
  const connections = Math.min(...runs.map((r) => r.connections));
  const cpuPerBlock = sum("workerd_cpu_ms_per_block") / runs.length;
  const spread = median(runs.flatMap((r) => r.samples.spreads));
  const { samples: _samples, ...rest } = last;
  return {
    ...rest,
    connections,
    delivered_pct: round2((100 * sum("delivered")) / Math.max(1, sum("expected"))),
    in_order: runs.every((r) => r.in_order),
    p50_ms: round2(percentile(latencies, 0.5)),
    p99_ms: round2(percentile(latencies, 0.99)),
    max_ms: round2(latencies.at(-1) ?? Number.NaN),
    first_socket_ms: round2(median(runs.flatMap((r) => r.samples.firsts))),
    last_socket_ms: round2(
      median(runs.flatMap((r) => r.samples.firsts.map((f, i) => f + r.samples.spreads[i]))),
    ),
    spread_ms: round2(spread),
    spread_us_per_socket: round2((1000 * spread) / Math.max(1, connections)),
    workerd_cpu_ms_per_block: round2(cpuPerBlock),
    cpu_us_per_socket: round2((1000 * cpuPerBlock) / Math.max(1, connections)),
    cpu_user_us_per_socket: round2(sum("cpu_user_us_per_socket") / runs.length),
    cpu_system_us_per_socket: round2(sum("cpu_system_us_per_socket") / runs.length),
    workerd_rss_mb: Math.max(...runs.map((r) => r.workerd_rss_mb)),
    failed_connections: sum("failed_connections"),
    blocks: sum("blocks"),
    incomplete_blocks: sum("incomplete_blocks"),
    delivered: sum("delivered"),
    expected: sum("expected"),
    rounds: runs.length,
    p99_ms_by_round: runs.map((r) => r.p99_ms),
  };
}

// A model of the deployed WebSocket fan-out (run by bench/ws.mjs after the measured scenarios):
// p99 head propagation for SUBSCRIBERS subscribers over five regions, from
//   (a) the gateway shard's per-socket delivery cost, measured in the same run (ws_1000: the larger
//       of workerd's CPU per socket per block and the fan-out's spread per socket; both count every
//       socket of the size, which locally share one workerd thread, as one shard's do deployed;
//       an upper bound: on loopback workerd's system time carries much of the receiving side's TCP
//       work, and the spread the clients' own receiving),
//   (b) the cost of one Durable Object RPC send from a feed, measured in the same run on the bare
//       feed (bench/wsBare.mjs measureSends: an upper bound, every object on one thread here), and
//   (c) per-hop latencies, which are assumptions (the table below), not measurements.
// Each region's subscribers sit on shards of at most MAX_PER_SHARD sockets, spread evenly, each
// shard on a machine of its own fanning out in parallel with the others; inside a shard socket k
// (from 1) gets the frame k x the per-socket cost after the delivery arrives.
//
// The topology modelled is the gateway's: a feed per chain and region (workers/stream/src/shard/
// feedLink.ts), created in its region and following the chain's upstream from there (a provider's
// nearest node), so the feed-to-shard hop is the in-region one; shards of at most the configured
// STREAM_SHARD_SOCKETS. The single feed of before (in eastern North America, oceans between it and
// the far regions' shards) is computed too, for comparison: one_feed.
//
// A subscriber's propagation: upstream -> feed (the notification, then the feed's sequential round
// trips to the upstream before it publishes), then the feed's sends (serial on its thread,
// farthest region first: the i-th send leaves i x the send cost after the head), the hop to its
// shard (straight) or to its region's relay and on to the shard (relay: the feed sends one per
// region, each relay one per shard of its region), its place in the shard's fan-out, and its last
// mile. The p99 over subscribers falls in the farthest regions: their hop, plus the slowest shard's
// last places, plus the longest last miles. "Fan-out" is the part the gateway's code spends
// (sends and the places in the shards), without hops and last mile; its p99 is reported apart.
//
// Delivery picked: the one with the lower p99 (straight on a tie: one object fewer per head).

/** Subscribers, and sockets per shard at most unless the caller gives the configured cap. */
const SUBSCRIBERS = 100_000;
const MAX_PER_SHARD = 1_000;

/**
 * Assumptions. The single feed of the comparison lives in eastern North America, near its upstream
 * node; a regional feed is as near its shards as a shard is to another object of its region (the
 * enam row's hop).
 * One-way latencies are half the typical round trip between public cloud regions of those areas
 * (published inter-region RTT tables: us-east to eu-west about 75 ms, to Tokyo/Singapore 145-215,
 * to Sydney about 200, to Sao Paulo about 115), rounded. Shares of subscribers are an assumption
 * about where a public RPC service's users are.
 */
export const REGIONS = [
  { region: "enam", share: 0.35, feed_to_shard_ms: 5 }, // same region, another data center
  { region: "weur", share: 0.25, feed_to_shard_ms: 38 },
  { region: "apac", share: 0.2, feed_to_shard_ms: 85 },
  { region: "oc", share: 0.05, feed_to_shard_ms: 100 },
  { region: "sam", share: 0.15, feed_to_shard_ms: 58 },
];
export const ASSUMED = {
  /** Upstream node to the feed: a node in the feed's region, over its WebSocket. */
  upstream_to_feed_ms: 5,
  /**
   * Sequential calls the feed makes to the upstream after a newHeads notification before it
   * publishes (workers/stream/src/feed/headFollower.ts: the block the notification named and its
   * logs, together), each a round trip of twice upstream_to_feed_ms. From the code.
   */
  feed_upstream_round_trips: 1,
  /** A relay to a shard of its own region (between data centers of one region). */
  relay_to_shard_ms: 3,
  /** Shard to client, in the client's region: spread evenly over this range. */
  last_mile_ms: [5, 20],
};

const round2 = (x) => Math.round(x * 100) / 100;

/** The shards of each region, farthest region first, with their sockets. */
function layout(regions = REGIONS, cap = MAX_PER_SHARD) {
  return [...regions]
    .sort((a, b) => b.feed_to_shard_ms - a.feed_to_shard_ms)
    .map((r) => {
      const subscribers = Math.round(r.share * SUBSCRIBERS);
      const shards = Math.ceil(subscribers / cap);
      const sizes = Array.from(
        { length: shards },
        (_, i) => Math.floor(subscribers / shards) + (i < subscribers % shards ? 1 : 0),
      );
      return { ...r, subscribers, sizes };
    });
}

/** When each shard's delivery arrives and how much of that is fan-out (sends), per region. */
function arrivals(regions, delivery, sendMs, roundTrips, feedPerRegion) {
  const up = ASSUMED.upstream_to_feed_ms * (1 + 2 * roundTrips);
  const out = [];
  let sent = 0;
  for (const r of regions) {
    // A feed of the region's own sends only to the region's shards (or relay).
    if (feedPerRegion) sent = 0;
    if (delivery === "straight") {
      for (const size of r.sizes) {
        sent++;
        out.push({ region: r.region, size, at: up + sent * sendMs + r.feed_to_shard_ms, fan: sent * sendMs });
      }
    } else {
      sent++;
      const relayAt = up + sent * sendMs + r.feed_to_shard_ms;
      r.sizes.forEach((size, i) => {
        const fan = sent * sendMs + (i + 1) * sendMs;
        out.push({ region: r.region, size, at: relayAt + (i + 1) * sendMs + ASSUMED.relay_to_shard_ms, fan });
      });
    }
  }
  return out;
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

/** p99 (and more) over every subscriber of one delivery. */
function propagate(
  delivery,
  { perSocketMs, sendMs },
  {
    regions = REGIONS,
    cap = MAX_PER_SHARD,
    roundTrips = ASSUMED.feed_upstream_round_trips,
    feedPerRegion = false,
  } = {},
) {
  const [lo, hi] = ASSUMED.last_mile_ms;
  const total = [];
  const fan = [];
  const byRegion = {};
  for (const shard of arrivals(layout(regions, cap), delivery, sendMs, roundTrips, feedPerRegion)) {
    byRegion[shard.region] ??= [];
    const mine = byRegion[shard.region];
    for (let k = 1; k <= shard.size; k++) {
      // Last miles spread evenly, and independent of the place in the fan-out (a fixed stride).
      const lastMile = lo + ((hi - lo) * ((k * 7919) % shard.size)) / shard.size;
      const inShard = k * perSocketMs;
      total.push(shard.at + inShard + lastMile);
      fan.push(shard.fan + inShard);
      mine.push(shard.at + inShard + lastMile);
    }
  }
  for (const list of [total, fan, ...Object.values(byRegion)]) list.sort((a, b) => a - b);
  return {
    p99_ms: round2(percentile(total, 0.99)),
    p50_ms: round2(percentile(total, 0.5)),
    max_ms: round2(total.at(-1)),
    fanout_p99_ms: round2(percentile(fan, 0.99)),
    fanout_max_ms: round2(fan.at(-1)),
    by_region_p99_ms: Object.fromEntries(
      Object.entries(byRegion).map(([r, list]) => [r, round2(percentile(list, 0.99))]),
    ),
  };
}

/**
 * The model, printed, as bench/results.json scenarios.ws_model_100k.
 * `bareUs`: the bare baseline's per-socket cost, for the same model at the floor of this runtime.
 * @param {{ perSocketUs: number, perSocketSource: string, bareUs?: number,
 *           sends: { per_send_ms: number } & object }} measured
 */
export function modelWs({ perSocketUs, perSocketSource, bareUs, sends, maxPerShard = MAX_PER_SHARD }) {
  const inputs = { perSocketMs: perSocketUs / 1000, sendMs: sends.per_send_ms };
  // A feed per region, following a node of its own region: every feed-to-shard hop is the in-region one.
  const local = REGIONS.map((r) => ({ ...r, feed_to_shard_ms: REGIONS[0].feed_to_shard_ms }));
  const topology = { regions: local, feedPerRegion: true, cap: maxPerShard };
  const straight = propagate("straight", inputs, topology);
  const relay = propagate("relay", inputs, topology);
  const picked = relay.p99_ms < straight.p99_ms ? "relay" : "straight";
  const chosen = picked === "relay" ? relay : straight;
  const shards = layout(REGIONS, maxPerShard).reduce((n, r) => n + r.sizes.length, 0);
  // Fan-out within 15 ms in a shard, 5 ms left to the feed's sends.
  const cap = Math.max(1, Math.floor(15 / inputs.perSocketMs));
  const oneFeed = propagate(picked, inputs, { cap: maxPerShard });
  const result = {
    p99_ms: chosen.p99_ms,
    fanout_p99_ms: chosen.fanout_p99_ms,
    delivery: picked,
    why:
      `${picked} gives the lower p99 (straight ${straight.p99_ms} ms: each region's feed sends to its shards, ${shards} in all; relay ` +
      `${relay.p99_ms} ms: each feed sends to its region's relay, which sends to the shards, plus a hop of ` +
      `${ASSUMED.relay_to_shard_ms} ms)`,
    straight,
    relay,
    targets: { p99_ms: 100, fanout_p99_ms: 20 },
    inputs: {
      measured: {
        per_socket_us: perSocketUs,
        per_socket_source: perSocketSource,
        per_send_ms: sends.per_send_ms,
        sends,
      },
      assumed: { ...ASSUMED, regions: REGIONS, subscribers: SUBSCRIBERS, max_per_shard: maxPerShard },
      shards,
    },
    one_feed: {
      p99_ms: oneFeed.p99_ms,
      fanout_p99_ms: oneFeed.fanout_p99_ms,
      by_region_p99_ms: oneFeed.by_region_p99_ms,
    },
    ...(bareUs > 0 && {
      at_bare_per_socket: (({ p99_ms, fanout_p99_ms }) => ({ per_socket_us: bareUs, p99_ms, fanout_p99_ms }))(
        propagate(picked, { ...inputs, perSocketMs: bareUs / 1000 }, topology),
      ),
    }),
    // The most sockets one shard could hold for its own fan-out to stay within 15 of the 20 ms.
    fanout_goal_max_sockets_per_shard: cap,
    // Besides the feed per region: publishing from the notification's header (no round trips) and
    // shards of at most `cap` sockets.
    with_changes: withChanges(inputs, local, cap),
  };
  printModel(result);
  return result;
}

/** The feed per region, no round trips before publishing, shards of at most `cap`: the better delivery. */
function withChanges(inputs, regions, cap) {
  const options = { regions, cap, roundTrips: 0, feedPerRegion: true };
  const [straight, relay] = ["straight", "relay"].map((d) => propagate(d, inputs, options));
  const best =
    relay.p99_ms < straight.p99_ms ? { ...relay, delivery: "relay" } : { ...straight, delivery: "straight" };
  return {
    p99_ms: best.p99_ms,
    fanout_p99_ms: best.fanout_p99_ms,
    delivery: best.delivery,
    max_per_shard: cap,
  };
}

function printModel(m) {
  const { measured, assumed } = m.inputs;
  console.log(
    `ws_model_100k: ${assumed.subscribers} subscribers, ${m.inputs.shards} shards of <= ${assumed.max_per_shard}, ` +
      `measured ${measured.per_socket_us} us per socket (${measured.per_socket_source}) and ` +
      `${measured.per_send_ms} ms per feed send; assumed hops (one-way ms): upstream->feed ` +
      `${assumed.upstream_to_feed_ms} (and ${assumed.feed_upstream_round_trips} round trips to it before ` +
      `publishing), relay->shard ${assumed.relay_to_shard_ms}, last mile ` +
      `${assumed.last_mile_ms.join("-")}`,
  );
  console.table(
    Object.fromEntries(
      REGIONS.map((r) => [
        r.region,
        {
          share: r.share,
          "straight p99": m.straight.by_region_p99_ms[r.region],
          "relay p99": m.relay.by_region_p99_ms[r.region],
          "one feed's hop ms": r.feed_to_shard_ms,
          "one feed p99": m.one_feed.by_region_p99_ms[r.region],
        },
      ]),
    ),
  );
  for (const d of ["straight", "relay"]) {
    const x = m[d];
    console.log(
      `ws_model_100k ${d}: p50 ${x.p50_ms} ms, p99 ${x.p99_ms} ms, max ${x.max_ms} ms; ` +
        `fan-out p99 ${x.fanout_p99_ms} ms (max ${x.fanout_max_ms})`,
    );
  }
  const verdict = (ok) => (ok ? "PASS" : "MISS");
  console.log(
    `ws_model_100k: ${m.delivery}: p99 ${m.p99_ms} ms (target <= 100) ${verdict(m.p99_ms <= 100)}, ` +
      `fan-out p99 ${m.fanout_p99_ms} ms (target <= 20) ${verdict(m.fanout_p99_ms <= 20)}; ${m.why}. ` +
      `With one feed for the chain (before regional feeds): p99 ${m.one_feed.p99_ms} ms. At this ` +
      `per-socket cost a shard fans out within 15 ms up to ${m.fanout_goal_max_sockets_per_shard} sockets; ` +
      `with no round trips before publishing too and shards of that size: p99 ` +
      `${m.with_changes.p99_ms} ms, fan-out p99 ${m.with_changes.fanout_p99_ms} ms (${m.with_changes.delivery})` +
      (m.at_bare_per_socket
        ? `; at the bare object's ${m.at_bare_per_socket.per_socket_us} us: p99 ${m.at_bare_per_socket.p99_ms} ms, ` +
          `fan-out p99 ${m.at_bare_per_socket.fanout_p99_ms} ms`
        : ""),
  );
}

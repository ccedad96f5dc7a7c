// Cache parts of npm run bench (see run.mjs): the gateway's response cache
// (shared/cache/callCache.ts) against the bare Worker, which has none, in front of the
// same anvil. run.mjs drives both with the same stream, in the same alternating segments as the
// baseline (its `alternate`, handed in as `measure`).
//
//   cache_hit   eth_getBlockByNumber(["0x10", false]) over and over, each call with an id of its own.
//               Block 0x10 is final, so once warm the gateway answers every call from its isolate's
//               memory, while the bare Worker asks anvil every time. cache_hit_vs_bare (gateway req/s
//               over bare req/s) targets >= 1.5.
//   mixed       60% eth_getBlockByNumber of a block drawn from 50 finalized ones (repeated reads),
//               40% eth_getBalance of a fresh address at `latest` (never cached: BYPASS), shuffled in
//               runs of 10 so the shares hold over any stretch. hit_rate is x-cache HIT over all the
//               gateway's responses in the measured segments (0.6 at most, and 0.6 once the warm-up
//               has fetched every block of the set); mixed_vs_bare is the req/s ratio on this mix.
//
// Both Workers get the very same sequence of calls: each segment replays the same seeded draws (which
// kind of call, which block); only the fresh addresses differ, as they must. An answer counts only
// if it is a result and not null (a block that is not there yet would be null).
//
// Before them: anvil runs with a block time of 1 s from block 0 and holds head - 64 as finalized, so
// MINE_BLOCKS blocks are mined at once (anvil_mine, straight to anvil) and anvil's finalized block is
// checked to cover every block asked for. Then the gateway is called for block 0x10 until it answers
// it from its cache (x-cache HIT) with anvil's block: the first calls make it probe anvil (at most
// every 3 s), which is how it learns the finalized block.
import { freshCall, isResult, rpcCall } from "./calls.mjs";

/** Blocks mined before the scenarios: anvil's finalized block is head - 64. */
const MINE_BLOCKS = 200;
/** The block the cache_hit stream asks for. */
const HIT_BLOCK = 0x10;
/** The finalized blocks the mixed stream draws from: 0x10, 0x12, ... 0x72. */
const MIXED_BLOCKS = Array.from({ length: 50 }, (_, i) => HIT_BLOCK + 2 * i);
/**
 * The mixed stream in runs of 10 calls, shuffled: 6 read a block of MIXED_BLOCKS, 4 a fresh
 * eth_getBalance. So the share of finalized reads is 60% over any stretch, not only on average.
 */
const RUN = 10;
const FINALIZED_PER_RUN = 6;
const FINALIZED_SHARE = FINALIZED_PER_RUN / RUN;
/** How long the gateway may take to answer HIT_BLOCK from its cache (a few probe intervals). */
const READY_S = 20;
const SEED = 0x5eed;

export const TARGETS = { cache_hit_vs_bare: 1.5 };

const SCENARIOS = 2;
/** Seconds the cache part takes, without start-up: mining and readiness, then two scenarios of two Workers each. */
export const cacheSeconds = ({ warmup, duration, rounds }) =>
  READY_S + 10 + SCENARIOS * 2 * (warmup + duration + rounds);

const round2 = (x) => Math.round(x * 100) / 100;
const round4 = (x) => Math.round(x * 10_000) / 10_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const verdict = (pass) => (pass ? "PASS" : "MISS");
const hex = (n) => `0x${n.toString(16)}`;

const blockCall = (block) => rpcCall("eth_getBlockByNumber", [hex(block), false]);
/** A result, and not null. */
const isAnswer = (body) => isResult(body) && !body.includes('"result":null');

/** mulberry32: a small seeded generator, so every segment draws the same sequence. */
function seeded(seed) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @type {import("./calls.mjs").CallStream} */
const HIT_STREAM = {
  label: `eth_getBlockByNumber(${hex(HIT_BLOCK)}, false)`,
  calls: () => () => blockCall(HIT_BLOCK),
  verify: isAnswer,
  countCache: true,
};

/** @type {import("./calls.mjs").CallStream} */
const MIXED_STREAM = {
  label:
    `${FINALIZED_SHARE * 100}% eth_getBlockByNumber(one of ${MIXED_BLOCKS.length} finalized blocks), ` +
    `${Math.round((1 - FINALIZED_SHARE) * 100)}% eth_getBalance(fresh address, latest)`,
  calls: () => {
    const random = seeded(SEED);
    /** What is left of the current run: true for a finalized read. */
    const run = [];
    // The draws (order of each run, which block) are the same in every segment; the addresses are fresh.
    return () => {
      if (run.length === 0) {
        run.push(...Array.from({ length: RUN }, (_, i) => i < FINALIZED_PER_RUN));
        for (let i = run.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [run[i], run[j]] = [run[j], run[i]];
        }
      }
      return run.pop() ? blockCall(MIXED_BLOCKS[Math.floor(random() * MIXED_BLOCKS.length)]) : freshCall();
    };
  },
  verify: isAnswer,
  countCache: true,
};

/** One call; throws unless it is answered with a result, and one not null unless `nullable`. */
async function call(url, body, { nullable = false } = {}) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await res.text();
  if (!res.ok || !(nullable ? isResult(text) : isAnswer(text)))
    throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return { result: JSON.stringify(JSON.parse(text).result), cache: res.headers.get("x-cache") };
}

/**
 * Mines MINE_BLOCKS blocks and checks that every block the streams ask for is then final on anvil;
 * then calls the gateway for HIT_BLOCK until it answers from its cache, with the block anvil has.
 */
async function prepare({ anvilUrl, targets }) {
  await call(anvilUrl, rpcCall("anvil_mine", [hex(MINE_BLOCKS)]), { nullable: true });
  const final = await call(anvilUrl, rpcCall("eth_getBlockByNumber", ["finalized", false]));
  const finalized = Number(JSON.parse(final.result).number);
  const highest = Math.max(...MIXED_BLOCKS);
  if (!(finalized >= highest)) {
    throw new Error(`anvil's finalized block is ${finalized} after mining, below block ${highest}`);
  }
  const expected = (await call(anvilUrl, blockCall(HIT_BLOCK))).result;
  const started = Date.now();
  let calls = 0;
  for (;;) {
    const answer = await call(targets.gateway, blockCall(HIT_BLOCK));
    calls += 1;
    if (answer.result !== expected) throw new Error(`the gateway's block ${hex(HIT_BLOCK)} is not anvil's`);
    if (answer.cache === "HIT") break;
    if (Date.now() - started > READY_S * 1000) {
      throw new Error(
        `the gateway did not answer block ${hex(HIT_BLOCK)} from its cache within ${READY_S} s ` +
          `(x-cache: ${answer.cache})`,
      );
    }
    await sleep(250);
  }
  console.log(
    `cache: mined ${MINE_BLOCKS} blocks (anvil's finalized block: ${finalized}); the gateway answered ` +
      `block ${hex(HIT_BLOCK)} from its cache after ${calls} calls in ${round2((Date.now() - started) / 1000)} s`,
  );
}

/** Share of the gateway's responses answered from its cache, from the x-cache tallies of summarize. */
function hitRate(summary) {
  const counts = Object.values(summary.x_cache ?? {});
  const all = counts.reduce((a, b) => a + b, 0);
  return all === 0 ? Number.NaN : round4((summary.x_cache?.HIT ?? 0) / all);
}

/**
 * Runs cache_hit and mixed on `targets` (bare and gateway) with `measure` (run.mjs's alternate) and
 * prints their figures against the targets. Returns bench/results.json scenarios and ratios.
 * @param {{
 *   anvilUrl: string,
 *   targets: { bare: string, gateway: string },
 *   measure: (targets: Record<string, string>, stream: import("./calls.mjs").CallStream) => Promise<Record<string, any>>,
 * }} options
 */
export async function runCacheScenarios({ anvilUrl, targets, measure }) {
  await prepare({ anvilUrl, targets });

  const hit = await measure(targets, HIT_STREAM);
  const mixed = await measure(targets, MIXED_STREAM);
  const scenarios = {
    cache_hit: { ...hit.gateway, hit_rate: hitRate(hit.gateway) },
    cache_hit_bare: hit.bare,
    mixed: { ...mixed.gateway, hit_rate: hitRate(mixed.gateway) },
    mixed_bare: mixed.bare,
  };
  const ratios = {
    cache_hit_vs_bare: round2(hit.gateway.rps / hit.bare.rps),
    mixed_vs_bare: round2(mixed.gateway.rps / mixed.bare.rps),
  };

  console.table(
    Object.fromEntries(
      Object.entries(scenarios).map(([name, s]) => [
        name,
        {
          "req/s": s.rps,
          "p50 ms": s.p50_ms,
          "p99 ms": s.p99_ms,
          errors: s.errors,
          "hit rate": s.hit_rate ?? "",
        },
      ]),
    ),
  );
  console.log(
    `cache_hit gateway/bare req/s: ${ratios.cache_hit_vs_bare} (target >= ${TARGETS.cache_hit_vs_bare}) ` +
      `${verdict(ratios.cache_hit_vs_bare >= TARGETS.cache_hit_vs_bare)}; hit rate ${scenarios.cache_hit.hit_rate}`,
  );
  console.log(
    `mixed: hit rate ${scenarios.mixed.hit_rate} (HIT / all the gateway's responses; ` +
      `${FINALIZED_SHARE} of the calls are finalized reads), gateway/bare req/s: ${ratios.mixed_vs_bare}`,
  );
  for (const [name, s] of Object.entries(scenarios)) {
    if (s.errors > 0) {
      const statuses = s.failed_statuses ? ` (HTTP ${JSON.stringify(s.failed_statuses)})` : "";
      console.warn(`warning: ${name} had ${s.errors} failed requests${statuses} (see the Worker logs above)`);
    }
  }
  return { scenarios, ratios };
}

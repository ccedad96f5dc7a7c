// The bare baseline of the ws bench (bench/ws.mjs): bench/wsbare, a Worker whose feed object follows
// the same on-demand anvil's new heads over a WebSocket (as the gateway's feed does) and whose shard
// objects send one newHeads frame, padded to the gateway's size, to every hibernating socket. Its
// sockets come from the same client processes (bench/wsClients.mjs) and are measured the same way
// (bench/ws.mjs runSize): propagation from evm_mine returning to each socket receiving the block.
//
// Following anvil's heads rather than a POST from the bench carrying the frame: both then start
// from the same event on the same clock (evm_mine returning) through the same kind of trigger (the
// upstream's newHeads notification over a WebSocket to a feed object, then RPC to the shards). A
// POST would start the bare clock later, after the bench had the block and sent it over HTTP,
// and skip the notification path the gateway cannot skip; the difference would then not be the
// gateway's own work alone.
//
// Shards: the sockets go to K objects in turn, evenly. K is the gateway's for the size (its regional
// shards hold at most STREAM_SHARD_SOCKETS each, from wrangler.toml [vars], 1,000 unless set) and,
// besides, each count in BENCH_WS_BARE_SHARDS
// (default 1,16: one object, and the 16 the gateway used before regional shards).
//
// The cost of one Durable Object RPC send from the feed, for bench/wsModel.mjs: the bare feed's
// median time over rounds to have N sends answered (straight to N objects, or through R relays),
// all on this machine's one workerd thread, so an upper bound of the feed's own cost per send.
//
// Settings (environment): BENCH_WS_BARE_SIZES (1000: the sizes of BENCH_WS_SIZES with a baseline),
// BENCH_WS_BARE_SHARDS (1,16: shard counts run besides the gateway's).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_readConfig } from "wrangler";
import { ROOT } from "../scripts/lib/gateway.mjs";
import { freePort } from "../scripts/lib/ports.mjs";
import { startWorker } from "../scripts/lib/worker.mjs";
import { workerdOn } from "./wsProc.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
/** The gateway's sockets per regional shard at most, unless wrangler.toml says. */
const SOCKETS_PER_SHARD = 1_000;

const numbers = (name, fallback) =>
  (process.env[name] ?? fallback)
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
export const BARE_SIZES = numbers("BENCH_WS_BARE_SIZES", "1000");
const EXTRA_SHARDS = numbers("BENCH_WS_BARE_SHARDS", "1,16");

/** The most sockets one of the gateway's shards holds: STREAM_SHARD_SOCKETS of wrangler.toml. */
export function shardCap() {
  const { vars } = unstable_readConfig({ config: resolve(ROOT, "wrangler.toml") }, { hideWarnings: true });
  const cap = Number(vars?.STREAM_SHARD_SOCKETS);
  return Number.isInteger(cap) && cap > 0 ? cap : SOCKETS_PER_SHARD;
}

/** The number of shards the gateway spreads `size` sockets over. */
export function gatewayShards(size) {
  return Math.ceil(size / shardCap());
}

/** The bare scenarios of one size: the gateway's shard count first (the one ratios compare with). */
export function bareRuns(size) {
  const matched = gatewayShards(size);
  const counts = [matched, ...EXTRA_SHARDS.filter((k) => k !== matched)];
  return counts.map((shards, i) => ({
    shards,
    name: i === 0 ? `ws_${size}_bare` : `ws_${size}_bare_${shards}shard${shards === 1 ? "" : "s"}`,
  }));
}

/**
 * The size in bytes of the gateway's newHeads notification of anvil's latest block (its header as
 * shared/stream/events.ts headOf keeps it; a 16-byte subscription id; a two-digit seq).
 */
export async function gatewayFrameBytes(anvilUrl) {
  const res = await fetch(anvilUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",false]}',
  });
  const { result } = await res.json();
  const { transactions: _t, uncles: _u, withdrawals: _w, size: _s, totalDifficulty: _d, ...head } = result;
  const sub = `0x${"0".repeat(32)}`;
  return `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${sub}","seq":10,"result":${JSON.stringify(head)}}}`
    .length;
}

/** Starts bench/wsbare in workerd in front of `anvilUrl`; `stops` gets its stop. */
export async function startBare({ anvilUrl, stops }) {
  const port = await freePort();
  const worker = await startWorker({
    configPath: resolve(HERE, "wsbare/wrangler.toml"),
    port,
    persistRoot: false,
    bindings: { UPSTREAM_URL: anvilUrl },
    outDir: resolve(HERE, ".wrangler/build/wsbare"),
  });
  stops.push(worker.stop);
  const post = async (path) => {
    const res = await fetch(`${worker.url}${path}`, { method: "POST" });
    const text = await res.text();
    if (!res.ok) throw new Error(`bare ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  return { url: worker.url, workerd: workerdOn(port), post };
}

/**
 * One bare scenario: the feed follows anvil delivering to `shards` objects, `size` sockets are
 * measured by `runSize` (bench/ws.mjs), the feed stops.
 */
export async function runBare({ bare, size, shards, name, bytes, runSize, anvilUrl, stops }) {
  await bare.post(`/start?shards=${shards}&bytes=${bytes}`);
  try {
    const url = `${bare.url.replace(/^http/, "ws")}/ws/${shards}`;
    const figures = await runSize({ size, url, anvilUrl, workerd: bare.workerd, stops, name });
    return { ...figures, shards };
  } finally {
    await bare.post("/stop");
  }
}

/**
 * The feed's cost of one RPC send (ms): `straight` 100 objects, `relay` 5 relays of 20 each, and
 * small counts, each the median of rounds on the bare feed.
 */
export async function measureSends(bare) {
  const straight = await bare.post("/sends?n=100");
  const relay = await bare.post("/sends?n=100&relay=5");
  const few = await bare.post("/sends?n=20");
  return {
    straight_100_ms: straight.ms,
    relay_5x20_ms: relay.ms,
    straight_20_ms: few.ms,
    per_send_ms: Math.round((straight.ms / 100) * 1000) / 1000,
  };
}

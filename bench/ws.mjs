// WebSocket part of npm run bench (see run.mjs): newHeads propagation through the gateway's stream
// (workers/stream: the chain's feed follows anvil's heads, fan-out shards send them to subscribers).
//
//   ws_<N>   N sockets on ws://<gateway>/v1/<chain>/<key>, opened from child processes
//            (bench/wsClients.mjs, forked) in bursts of BURST, each subscribed to newHeads. Once all
//            are subscribed, anvil (an instance of its own that mines only on demand) mines
//            WARMUP_BLOCKS blocks, then BLOCKS measured ones, one evm_mine at a time, each once every
//            socket has the one before (or after BLOCK_TIMEOUT_MS). Propagation of a block to a socket
//            runs from its evm_mine call returning (straight to anvil, over HTTP) to the socket
//            receiving its notification, both on the clock performance.timeOrigin +
//            performance.now(), each child's checked against this process's by pings over IPC (the
//            offset measured is taken off). delivered_pct: (socket, measured block) pairs received
//            over sockets subscribed x BLOCKS; in_order: every socket got the blocks mined after it
//            subscribed with numbers rising by exactly 1, no duplicates, seq rising. workerd_rss_mb
//            is the gateway's workerd process with every socket open, after the last block. Also
//            first_socket_ms (per block, the first socket to receive it; the median over blocks:
//            the feed's part), last_socket_ms (likewise the last) and spread_ms (per block, last
//            socket minus first; the median: the fan-out's part).
//            Targets: ws_1000 p99 <= 20 ms, ws_10000 p99 <= 100 ms, all subscribed, 100% delivered,
//            in order. Per-socket delivery cost: spread_us_per_socket (spread over sockets) and
//            cpu_us_per_socket (workerd's CPU time per measured block over sockets).
//   ws_<N>_bare, ws_<N>_bare_<K>shard(s)
//            The same N sockets, clients and measure on a bare hibernating fan-out following the
//            same anvil (bench/wsBare.mjs), on the gateway's shard count for N and on others.
//            A size with baselines runs BENCH_WS_ROUNDS rounds alternating with them, pooled.
//            ratios.ws_<N>_vs_bare: the gateway's p99 over the bare one's (target <= 1.10).
//   ws_model_100k
//            The deployed case modelled from the per-socket cost measured here (bench/wsModel.mjs).
//
// workerd holds 2 file descriptors per client WebSocket and dies when it runs out, so a size is cut
// to what its open-files limit (inherited from this process's ulimit -n) leaves room for, with a
// warning; connections then falls short of the size, which misses the target.
//
// The chain is a fresh one on the gateway (its only upstream the on-demand anvil, with the "ws"
// capability, which the feed follows heads over), served to the demo tenant's key; the tenant's
// plan must allow the sockets (WS_LIMITS, which run.mjs seeds). All sockets are closed between
// sizes and at the end.
//
// Settings (environment): BENCH_WS_SIZES (1000,10000), BENCH_WS_BLOCKS measured per size and round
// (20), BENCH_WS_ROUNDS (2), BENCH_WS_PROCS child processes holding the sockets (1 up to 5,000
// sockets, one per 5,000 above); BENCH_WS_BARE_SIZES and BENCH_WS_BARE_SHARDS: bench/wsBare.mjs.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startAnvil } from "../scripts/lib/anvil.mjs";
import { adminApi } from "../scripts/lib/seed.mjs";
import {
  BARE_SIZES,
  bareRuns,
  gatewayFrameBytes,
  measureSends,
  runBare,
  shardCap,
  startBare,
} from "./wsBare.mjs";
import { bareRatios, modelInputs, pool } from "./wsCompare.mjs";
import { modelWs } from "./wsModel.mjs";
import { alive, cpuMs, cpuSplitMs, openFiles, openFilesLimit, rssMb, workerdOn } from "./wsProc.mjs";

const CLIENTS = fileURLToPath(new URL("./wsClients.mjs", import.meta.url));
/** Sockets being opened at once, over all child processes. */
const BURST = 200;
const SUBSCRIBE_TIMEOUT_MS = 30_000;
const BLOCK_TIMEOUT_MS = 5_000;
const WARMUP_BLOCKS = 2;
/** Sockets per child process by default. */
const PER_PROCESS = 5_000;
/** Descriptors workerd holds per client WebSocket, as seen here (for the warning on its limit). */
const FDS_PER_SOCKET = 2;
/** Descriptors left to workerd for everything else (its connections to anvil, to itself). */
const FD_MARGIN = 500;
/** Pings per child to find its clock's offset; the one with the shortest round trip counts. */
const PINGS = 20;
/** p99 targets by size. */
export const TARGETS = { 1000: 20, 10000: 100 };

const list = (name, fallback) => {
  const values = (process.env[name] ?? fallback).split(",").map((s) => Number(s.trim()));
  if (!values.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`${name} must be positive whole numbers separated by commas`);
  }
  return values;
};
const SIZES = list("BENCH_WS_SIZES", "1000,10000");
const [BLOCKS] = list("BENCH_WS_BLOCKS", "20");
const PROCS = process.env.BENCH_WS_PROCS === undefined ? undefined : list("BENCH_WS_PROCS", "1")[0];
const [ROUNDS] = list("BENCH_WS_ROUNDS", "2");

/** The plan limits the ws part needs: every size's sockets, with room for closes still in flight. */
export const WS_LIMITS = {
  wsMaxConnections: Math.min(1_000_000, Math.max(20_000, 2 * SIZES.reduce((a, b) => a + b, 0))),
};

/** Seconds the ws part takes at most, without start-up. */
export const wsSeconds = () =>
  SIZES.reduce((sum, size) => {
    // The gateway's run, and each bare baseline's of the size.
    const runs = BARE_SIZES.includes(size) ? ROUNDS * (1 + bareRuns(size).length) : 1;
    return sum + runs * (30 + size / 50 + ((WARMUP_BLOCKS + BLOCKS) * BLOCK_TIMEOUT_MS) / 1000);
  }, 40);

const now = () => performance.timeOrigin + performance.now();
const round2 = (x) => Math.round(x * 100) / 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const verdict = (pass) => (pass ? "PASS" : "MISS");

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

async function rpc(url, method, params = []) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const text = await res.text();
  const json = JSON.parse(text);
  if (!res.ok || "error" in json) throw new Error(`${method}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return json.result;
}

/** One child process of bench/wsClients.mjs and its messages. */
class Clients {
  constructor(index, onMessage) {
    this.index = index;
    this.offset = 0;
    this.child = fork(CLIENTS, [], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    /** @type {Set<(message: any) => void>} */
    this.listeners = new Set();
    this.exit = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    this.child.on("message", (message) => {
      if (message.type === "fatal") console.error(`ws clients ${index}: ${message.error}`);
      onMessage(this, message);
      for (const listener of [...this.listeners]) listener(message);
    });
  }

  send(message) {
    this.child.send(message);
  }

  /** The next message of `type` that `match` accepts; rejects if the child exits or `timeoutMs` passes. */
  next(type, timeoutMs, match = () => true) {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (message) => {
        if (message.type !== type || !match(message)) return;
        done();
        resolve(message);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`ws clients ${this.index}: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
      this.exit.then(({ code, signal }) => {
        if (!this.listeners.has(listener)) return;
        done();
        reject(new Error(`ws clients ${this.index} exited (${signal ?? code}) waiting for "${type}"`));
      });
    });
  }

  /** Offset of the child's clock from this one's, from the ping with the shortest round trip. */
  async measureOffset() {
    let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
    for (let id = 0; id < PINGS; id++) {
      const t0 = now();
      const pong = this.next("pong", 5_000, (m) => m.id === id);
      this.send({ type: "ping", id });
      const { now: there } = await pong;
      const t1 = now();
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: there - (t0 + t1) / 2 };
    }
    this.offset = best.offset;
    return best;
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/**
 * Opens `size` sockets over `procs` child processes and waits until each has subscribed or failed.
 * `onComplete(number)` is called once every child has reported block `number` on all its sockets.
 */
async function openClients({ url, size, procs, onComplete }) {
  /** Block number -> children whose sockets all have it. */
  const complete = new Map();
  const onMessage = (clients, message) => {
    if (message.type !== "complete") return;
    const done = complete.get(message.number) ?? new Set();
    done.add(clients.index);
    complete.set(message.number, done);
    if (done.size === procs) onComplete(message.number);
  };
  const children = Array.from({ length: procs }, (_, i) => new Clients(i, onMessage));
  const counts = children.map((_, i) => Math.floor(size / procs) + (i < size % procs ? 1 : 0));
  const burst = Math.max(1, Math.floor(BURST / procs));
  const started = now();
  const ready = await Promise.all(
    children.map((c, i) => {
      const answer = c.next("ready", SUBSCRIBE_TIMEOUT_MS + (counts[i] / burst) * SUBSCRIBE_TIMEOUT_MS);
      c.send({ type: "open", url, count: counts[i], burst, timeoutMs: SUBSCRIBE_TIMEOUT_MS });
      return answer;
    }),
  );
  return { children, ready, openSeconds: round2((now() - started) / 1000) };
}

/** Closes every socket of every child; the children exit. */
async function closeClients(children) {
  const closed = await Promise.all(
    children.map(async (c) => {
      const answer = c.next("closed", 20_000).catch((err) => ({ error: String(err.message) }));
      c.send({ type: "close", timeoutMs: 15_000 });
      const result = await answer;
      await Promise.race([c.exit, sleep(5_000)]);
      c.kill();
      return result;
    }),
  );
  for (const [i, c] of closed.entries()) {
    if ("error" in c) console.warn(`warning: ws clients ${i}: ${c.error}`);
    else if (c.timedOut) console.warn(`warning: ws clients ${i}: not every socket closed within 15 s`);
  }
}

/**
 * Propagation, delivery and order from the children's reports. `mined` holds the measured blocks
 * (number and when evm_mine returned); `firstMined` is the first block mined after subscribing
 * (warm-up included).
 */
function analyze({ reports, children, mined, firstMined }) {
  const mineTime = new Map(mined.map((m) => [m.number, m.t]));
  const latencies = [];
  let received = 0;
  let sockets = 0;
  const disorder = { duplicates: 0, gaps: 0, backwards: 0, seq: 0, samples: [] };
  for (const [i, report] of reports.entries()) {
    const offset = children[i].offset;
    for (const [socket, client] of report.clients.entries()) {
      sockets++;
      const seen = new Set();
      let previous;
      let previousSeq;
      const wrong = (kind, detail) => {
        disorder[kind]++;
        if (disorder.samples.length < 5) disorder.samples.push(`process ${i} socket ${socket}: ${detail}`);
      };
      for (let k = 0; k < client.numbers.length; k++) {
        const number = client.numbers[k];
        const seq = client.seqs[k];
        if (previousSeq !== undefined && !(seq > previousSeq))
          wrong("seq", `seq ${seq} after ${previousSeq}`);
        previousSeq = seq;
        if (seen.has(number)) {
          wrong("duplicates", `block ${number} again (${[...client.numbers].join(",")})`);
          continue;
        }
        seen.add(number);
        if (number < firstMined) continue;
        if (previous !== undefined && number < previous)
          wrong("backwards", `block ${number} after ${previous}`);
        else if (previous !== undefined && number !== previous + 1)
          wrong("gaps", `block ${number} after ${previous}`);
        previous = number;
        const t = mineTime.get(number);
        if (t === undefined) continue;
        received++;
        latencies.push(client.times[k] - offset - t);
      }
    }
  }
  latencies.sort((a, b) => a - b);
  // Per block, the first socket to have it and the last: the feed's part and the fan-out's.
  const first = new Map();
  const last = new Map();
  for (const [i, report] of reports.entries()) {
    for (const client of report.clients) {
      for (let k = 0; k < client.numbers.length; k++) {
        const t = mineTime.get(client.numbers[k]);
        if (t === undefined) continue;
        const ms = client.times[k] - children[i].offset - t;
        const n = client.numbers[k];
        first.set(n, Math.min(first.get(n) ?? Number.POSITIVE_INFINITY, ms));
        last.set(n, Math.max(last.get(n) ?? Number.NEGATIVE_INFINITY, ms));
      }
    }
  }
  const median = (values) =>
    percentile(
      [...values].sort((a, b) => a - b),
      0.5,
    );
  const expected = sockets * mined.length;
  return {
    latencies,
    received,
    expected,
    delivered_pct: expected === 0 ? 0 : round2((100 * received) / expected),
    in_order: received > 0 && disorder.duplicates + disorder.gaps + disorder.backwards + disorder.seq === 0,
    disorder,
    firsts: [...first.values()],
    spreads: [...first.keys()].map((n) => (last.get(n) ?? 0) - (first.get(n) ?? 0)),
    firstMs: median(first.values()),
    spreadMs: median([...first.keys()].map((n) => (last.get(n) ?? 0) - (first.get(n) ?? 0))),
  };
}

/** One size: open, subscribe, mine and measure, close. */
export async function runSize({ size, url, anvilUrl, workerd, stops, name = `ws_${size}` }) {
  const idleRss = rssMb(workerd);
  const idleFds = openFiles(workerd);
  const fdLimit = openFilesLimit(workerd);
  // workerd holds 2 descriptors per client WebSocket, and dies (accept(): too many open files) when
  // it runs out: no more sockets than its open-files limit leaves room for.
  const fit = Math.floor((fdLimit - idleFds - FD_MARGIN) / FDS_PER_SOCKET);
  const sockets = Number.isFinite(fit) ? Math.max(0, Math.min(size, fit)) : size;
  if (sockets < size) {
    console.warn(
      `warning: ${name}: only ${sockets} sockets: workerd has ${idleFds} files open and may open ` +
        `${fdLimit} (its ulimit -n, inherited from this process), at ${FDS_PER_SOCKET} per socket and ` +
        `${FD_MARGIN} kept for its own connections. Run the bench where the hard limit on open files ` +
        `is higher (e.g. ulimit -n 65536 as root, docker run --ulimit nofile=65536) for all ${size}.`,
    );
  }
  if (sockets === 0) throw new Error(`${name}: workerd has no room for any socket`);
  const procs = PROCS ?? Math.max(1, Math.ceil(sockets / PER_PROCESS));
  const perProcess = Math.ceil(sockets / procs);
  const limit = openFilesLimit(process.pid);
  if (perProcess + 64 > limit) {
    throw new Error(
      `${perProcess} sockets per process need more open files than the limit of ${limit} (ulimit -n): ` +
        `raise it or set BENCH_WS_PROCS`,
    );
  }
  /** Waiters by block number, resolved once every socket has the block. */
  const waiting = new Map();
  const completed = new Set();
  const onComplete = (number) => {
    completed.add(number);
    waiting.get(number)?.();
  };
  console.log(
    `${name}: opening ${sockets} sockets from ${procs} child process${procs === 1 ? "" : "es"} ` +
      `(${perProcess} each, bursts of ${BURST} in all)`,
  );
  const { children, ready, openSeconds } = await openClients({ url, size: sockets, procs, onComplete }).catch(
    (err) => {
      throw new Error(`${name}: opening the sockets failed: ${err.message}`);
    },
  );
  const stopChildren = async () => {
    for (const c of children) c.kill();
  };
  stops.push(stopChildren);
  try {
    const subscribed = ready.reduce((sum, r) => sum + r.subscribed, 0);
    const failed = ready.reduce((sum, r) => sum + r.failed, 0);
    console.log(`${name}: ${subscribed} subscribed, ${failed} failed, in ${openSeconds} s`);
    for (const [i, r] of ready.entries()) {
      for (const [reason, count] of Object.entries(r.failures)) {
        console.warn(`  process ${i}: ${count} x ${reason}`);
      }
    }
    const offsets = [];
    for (const c of children) offsets.push(await c.measureOffset());
    console.log(
      `${name}: child clocks minus this one: ` +
        offsets.map((o) => `${round2(o.offset)} ms (ping ${round2(o.rtt)} ms)`).join(", ") +
        " (taken off each receive time)",
    );
    // Lets the head the feed may have published on the first subscription arrive everywhere.
    await sleep(500);
    const startHead = Number(await rpc(anvilUrl, "eth_blockNumber"));
    const mined = [];
    const incomplete = [];
    let cpuStart = Number.NaN;
    let splitStart = { user: Number.NaN, system: Number.NaN };
    for (let b = 0; b < WARMUP_BLOCKS + BLOCKS; b++) {
      const number = startHead + b + 1;
      const everywhere = new Promise((resolve) => {
        waiting.set(number, () => resolve(true));
        if (completed.has(number)) resolve(true);
        setTimeout(() => resolve(false), BLOCK_TIMEOUT_MS).unref();
      });
      if (b === WARMUP_BLOCKS) {
        cpuStart = cpuMs(workerd);
        splitStart = cpuSplitMs(workerd);
      }
      await rpc(anvilUrl, "evm_mine");
      const t = now();
      if (b >= WARMUP_BLOCKS) mined.push({ number, t });
      if (!(await everywhere)) incomplete.push(number);
      waiting.delete(number);
    }
    const cpuPerBlock = (cpuMs(workerd) - cpuStart) / BLOCKS;
    const splitEnd = cpuSplitMs(workerd);
    const userPerBlock = (splitEnd.user - splitStart.user) / BLOCKS;
    const systemPerBlock = (splitEnd.system - splitStart.system) / BLOCKS;
    const endHead = Number(await rpc(anvilUrl, "eth_blockNumber"));
    if (endHead !== startHead + WARMUP_BLOCKS + BLOCKS) {
      console.warn(
        `warning: ${name}: anvil's head went from ${startHead} to ${endHead}, ` +
          `not by the ${WARMUP_BLOCKS + BLOCKS} blocks mined`,
      );
    }
    // Stragglers of a block that timed out still count as delivered (late: the latencies show it).
    if (incomplete.length > 0) await sleep(BLOCK_TIMEOUT_MS);
    const rss = rssMb(workerd);
    const fds = openFiles(workerd);
    if (workerd !== undefined && !alive(workerd)) {
      console.error(`${name}: the gateway's workerd (process ${workerd}) is gone: see its last words above`);
    }
    console.log(
      `${name}: workerd holds ${fds} file descriptors with ${subscribed} sockets open ` +
        `(${idleFds} before: ${round2((fds - idleFds) / Math.max(1, subscribed))} per socket)`,
    );
    const reports = await Promise.all(
      children.map((c) => {
        const answer = c.next("report", 60_000);
        c.send({ type: "report" });
        return answer;
      }),
    );
    const figures = analyze({ reports, children, mined, firstMined: startHead + 1 });
    const dropped = reports.reduce((sum, r) => sum + r.dropped.count, 0);
    const sample = reports.find((r) => r.sample)?.sample;
    if (sample) console.log(`${name}: a notification is ${sample.length} bytes: ${sample.slice(0, 160)}...`);
    const odd = reports.reduce((sum, r) => sum + r.odd.count, 0);
    if (incomplete.length > 0) {
      console.warn(
        `warning: ${name}: blocks not on every socket within ${BLOCK_TIMEOUT_MS} ms: ${incomplete.join(", ")}`,
      );
    }
    if (dropped > 0) {
      console.warn(
        `warning: ${name}: ${dropped} subscribed sockets closed by the gateway, e.g. ` +
          JSON.stringify(reports.flatMap((r) => r.dropped.samples).slice(0, 3)),
      );
    }
    if (odd > 0) {
      console.warn(
        `warning: ${name}: ${odd} frames that were not a notification of the socket's subscription:`,
      );
      for (const sample of reports.flatMap((r) => r.odd.samples).slice(0, 5)) console.warn(`    ${sample}`);
    }
    if (!figures.in_order) {
      const { samples, ...counts } = figures.disorder;
      console.warn(`warning: ${name}: out of order: ${JSON.stringify(counts)}`);
      for (const sample of samples) console.warn(`    ${sample}`);
    }
    if (figures.received < figures.expected) {
      console.warn(`warning: ${name}: ${figures.expected - figures.received} (socket, block) pairs missing`);
    }
    return {
      connections: subscribed,
      delivered_pct: figures.delivered_pct,
      in_order: figures.in_order,
      p50_ms: round2(percentile(figures.latencies, 0.5)),
      p99_ms: round2(percentile(figures.latencies, 0.99)),
      max_ms: round2(figures.latencies.at(-1) ?? Number.NaN),
      first_socket_ms: round2(figures.firstMs),
      spread_ms: round2(figures.spreadMs),
      // Per block, the last socket to receive it; the median over blocks (p99 falls in the slowest).
      last_socket_ms: round2(
        percentile(
          figures.firsts.map((f, i) => f + figures.spreads[i]).sort((a, b) => a - b),
          0.5,
        ),
      ),
      // Per-socket delivery cost: the fan-out's spread over the sockets, and workerd's CPU time per
      // measured block (everything it did for the block, fixed work included) over the sockets.
      spread_us_per_socket: round2((1000 * figures.spreadMs) / Math.max(1, subscribed)),
      workerd_cpu_ms_per_block: round2(cpuPerBlock),
      cpu_us_per_socket: round2((1000 * cpuPerBlock) / Math.max(1, subscribed)),
      // The same split into user and system (kernel: on loopback, much of it the receiving side's).
      cpu_user_us_per_socket: round2((1000 * userPerBlock) / Math.max(1, subscribed)),
      cpu_system_us_per_socket: round2((1000 * systemPerBlock) / Math.max(1, subscribed)),
      frame_bytes: sample?.length,
      // For pooling rounds (bench/wsCompare.mjs pool); not written.
      samples: { latencies: figures.latencies, firsts: figures.firsts, spreads: figures.spreads },
      workerd_rss_mb: rss,
      workerd_rss_mb_before: idleRss,
      workerd_fds: fds,
      workerd_fds_before: idleFds,
      requested: size,
      capped_by_workerd_fd_limit: sockets < size,
      failed_connections: failed,
      blocks: BLOCKS,
      warmup_blocks: WARMUP_BLOCKS,
      incomplete_blocks: incomplete.length,
      delivered: figures.received,
      expected: figures.expected,
      processes: procs,
      open_s: openSeconds,
    };
  } finally {
    await closeClients(children);
    stops.splice(stops.indexOf(stopChildren), 1);
  }
}

/**
 * Runs ws_<size> for every size on the gateway at `gatewayUrl`, for the tenant of `key` (whose plan
 * must allow WS_LIMITS), each size after its bare baselines (bench/wsBare.mjs), then the model of the
 * deployed case (bench/wsModel.mjs). Prints the figures against the targets; returns
 * bench/results.json's scenarios and ratios.
 * `stops` gets what must be stopped on an early exit.
 * @param {{ gatewayUrl: string, token: string, key: string, stops: (() => Promise<void>)[] }} options
 */
export async function runWsScenarios({ gatewayUrl, token, key, stops }) {
  const anvil = await startAnvil({ chainId: 31337, blockTime: 0 });
  stops.push(anvil.stop);
  const api = adminApi({ gatewayUrl, token });
  const slug = `bench-ws-${Date.now().toString(36)}`;
  await api("POST", "/chains", { slug, chainId: 31337, name: "bench ws", blockTimeMs: 1_000 });
  await api("POST", `/chains/${slug}/upstreams`, {
    name: "anvil-on-demand",
    url: anvil.url,
    capabilities: ["ws"],
  });
  const url = `${gatewayUrl.replace(/^http/, "ws")}/v1/${slug}/${key}`;
  const workerd = workerdOn(Number(new URL(gatewayUrl).port));
  if (workerd === undefined)
    console.warn("warning: the gateway's workerd process was not found: no RSS figures");
  else {
    const limit = openFilesLimit(workerd);
    console.log(`ws: the gateway's workerd is process ${workerd} (open files limit ${limit}), chain ${slug}`);
    if (limit < Math.max(...SIZES) + 256) {
      console.warn(`warning: workerd may open at most ${limit} files, fewer than the largest size needs`);
    }
  }
  console.log(
    `ws: ${WARMUP_BLOCKS} warm-up + ${BLOCKS} measured blocks per size, each mined once every socket ` +
      `has the one before (at most ${BLOCK_TIMEOUT_MS} ms)`,
  );

  const bare = await startBare({ anvilUrl: anvil.url, stops });
  const bytes = await gatewayFrameBytes(anvil.url);
  const scenarios = {};
  for (const size of SIZES) {
    // A size with baselines runs ROUNDS times, alternating with them (reversed every other round)
    // so that drift and the machine's other load fall on both alike; the rounds are pooled.
    const baselines = BARE_SIZES.includes(size) ? bareRuns(size) : [];
    const runs = [...baselines, { name: `ws_${size}`, gateway: true }];
    const figures = Object.fromEntries(runs.map((r) => [r.name, []]));
    for (let round = 0; round < (baselines.length > 0 ? ROUNDS : 1); round++) {
      for (const run of round % 2 === 0 ? runs : runs.toReversed()) {
        const options = { size, anvilUrl: anvil.url, stops };
        figures[run.name].push(
          run.gateway
            ? await runSize({ ...options, url, workerd })
            : await runBare({ ...options, bare, bytes, runSize, ...run }),
        );
        // Lets the gateway take the closes in (its meter counts open sockets) before the next run.
        await sleep(run.gateway ? 2_000 : 500);
      }
    }
    for (const [name, list] of Object.entries(figures)) scenarios[name] = pool(list);
  }
  const sends = await measureSends(bare);
  // anvil stays up until the bench ends, with the gateway: the feed (lingering a while after its
  // last subscriber left) would log its upstream's loss otherwise.

  console.table(
    Object.fromEntries(
      Object.entries(scenarios).map(([name, s]) => [
        name,
        {
          connections: s.connections,
          "delivered %": s.delivered_pct,
          "in order": s.in_order,
          "p50 ms": s.p50_ms,
          "p99 ms": s.p99_ms,
          "max ms": s.max_ms,
          "first ms": s.first_socket_ms,
          "last ms": s.last_socket_ms,
          "spread ms": s.spread_ms,
          "us/socket spread": s.spread_us_per_socket,
          "us/socket CPU": s.cpu_us_per_socket,
          "workerd RSS MB": s.workerd_rss_mb,
          processes: s.processes,
        },
      ]),
    ),
  );
  for (const size of SIZES) {
    const s = scenarios[`ws_${size}`];
    const target = TARGETS[size];
    const all = s.connections === size && s.delivered_pct === 100 && s.in_order;
    console.log(
      `ws_${size}: ${s.connections}/${size} subscribed` +
        (s.capped_by_workerd_fd_limit ? " (capped by workerd's open-files limit)" : "") +
        `, ${s.delivered_pct}% delivered, ` +
        `${s.in_order ? "in order" : "NOT in order"}, p99 ${s.p99_ms} ms` +
        (target === undefined
          ? " (no target at this size)"
          : ` (target <= ${target}) ${verdict(all && s.p99_ms <= target)}`) +
        `; workerd RSS ${s.workerd_rss_mb} MB with the sockets open (${s.workerd_rss_mb_before} MB before)`,
    );
  }
  const ratios = bareRatios(scenarios, SIZES);
  const model = modelInputs(scenarios, SIZES);
  if (model) scenarios.ws_model_100k = modelWs({ ...model, sends, maxPerShard: shardCap() });
  return { scenarios, ratios };
}

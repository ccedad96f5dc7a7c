// Fuzz frames over WebSockets: a few sockets to /v1/<chain>/<key>, each sent generated frames in small
// chunks, each chunk followed by a plain eth_chainId that must answer; every reply frame is judged.
import { answerProblem, clip, leakIn, tally } from "./fuzzCheck.mjs";
import { prng, wsFrame } from "./fuzzInputs.mjs";

const CHUNK = 8;
const SENTINEL_TIMEOUT_MS = 20_000;

/** A socket once open, with a hook per text frame and the close it ends with. */
async function openSocket(url) {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const socket = { ws, onFrame: () => {}, closedBy: undefined, closed: undefined };
  ws.addEventListener("message", (e) => socket.onFrame(e.data));
  socket.closed = new Promise((resolve) =>
    ws.addEventListener("close", (e) => {
      socket.closedBy ??= { code: e.code, reason: e.reason };
      resolve();
    }),
  );
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", () =>
      reject(new Error(`WebSocket to ${url.replace(/\/[^/]+$/, "/<key>")} did not open`)),
    );
  });
  return socket;
}

/**
 * Sends `count` generated frames over `sockets` WebSockets to `wsUrl` (`ws://.../v1/<chain>/<key>`).
 * @param {{ wsUrl: string, count: number, seed: number, known: string[], patterns: object[],
 *           chainId: string, sockets?: number }} o
 */
export async function runWs(o) {
  const t = tally();
  const sockets = o.sockets ?? 4;
  const per = Math.ceil(o.count / sockets);
  const health = { checks: 0, failures: 0 };
  await Promise.all(
    Array.from({ length: sockets }, (_, s) =>
      driveSocket({ ...o, count: Math.min(per, o.count - s * per), seed: o.seed + s, index: s }, t, health),
    ),
  );
  return { ...t, health };
}

async function driveSocket(o, t, health) {
  if (o.count <= 0) return;
  let socket;
  try {
    socket = await openSocket(o.wsUrl);
  } catch (err) {
    t.violation(`socket ${o.index}: ${err.message}`, "", "");
    return;
  }
  const rng = prng(o.seed);
  const state = { chunk: [], waiting: new Map() };
  socket.onFrame = (data) => onReply(t, o, state, data);
  for (let sent = 0, round = 0; sent < o.count && !socket.closedBy; round++) {
    state.chunk = [];
    for (let i = 0; i < CHUNK && sent < o.count; i++, sent++) {
      const frame = wsFrame(rng, o.known);
      state.chunk.push(frame);
      t.inputs++;
      socket.ws.send(frame);
    }
    health.checks++;
    const problem = await sentinel(socket, state, `fuzz-${o.index}-${round}`, o.chainId);
    if (problem) {
      health.failures++;
      t.violation(
        `socket ${o.index}: eth_chainId after frames: ${problem}`,
        state.chunk.map((f) => clip(f, 200)),
        "",
      );
      break;
    }
  }
  if (socket.closedBy) {
    const { code, reason } = socket.closedBy;
    t.violation(
      `socket ${o.index} closed by the gateway: ${code} ${reason}`,
      state.chunk.map((f) => clip(f, 200)),
      "",
    );
  }
  socket.ws.close(1000, "done");
  await Promise.race([socket.closed, new Promise((r) => setTimeout(r, 5_000))]);
}

/** Sends a plain eth_chainId and waits for its answer: "" when it is `chainId`, else what happened. */
function sentinel(socket, state, id, chainId) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      state.waiting.delete(id);
      resolve(
        socket.closedBy
          ? `socket closed (${socket.closedBy.code})`
          : `no answer in ${SENTINEL_TIMEOUT_MS} ms`,
      );
    }, SENTINEL_TIMEOUT_MS);
    state.waiting.set(id, (entry) => {
      clearTimeout(timer);
      resolve(entry.result === chainId ? "" : `answered ${clip(entry)}`);
    });
    socket.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method: "eth_chainId", params: [] }));
    socket.closed.then(() => setTimeout(() => state.waiting.get(id)?.({ error: "the socket closed" }), 100));
  });
}

/** Judges one reply frame: text, JSON, JSON-RPC (eth_subscription notifications allowed), no leak. */
function onReply(t, o, state, data) {
  const sentText = () => state.chunk.map((f) => (typeof f === "string" ? f : "")).join("\n");
  const frames = () => state.chunk.map((f) => clip(f, 200));
  if (typeof data !== "string") {
    t.count("ws-binary", undefined);
    return t.violation("binary reply frame", frames(), clip(new Uint8Array(data)));
  }
  let value;
  try {
    value = JSON.parse(data);
  } catch {
    t.count("ws-not-json", undefined);
    return t.violation("reply frame is not JSON", frames(), data);
  }
  const waiter = typeof value?.id === "string" ? state.waiting.get(value.id) : undefined;
  if (waiter) {
    state.waiting.delete(value.id);
    return waiter(value);
  }
  t.count(value?.method === "eth_subscription" ? "ws-notification" : "ws-reply", value);
  const problem = answerProblem(value, { notifications: true }) || leakIn(data, sentText(), o.patterns);
  if (problem) t.violation(problem, frames(), data);
}

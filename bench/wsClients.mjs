// Subscriber side of the ws part of npm run bench (bench/ws.mjs forks it, with advanced IPC
// serialization): opens WebSockets with Node's global WebSocket, subscribes newHeads on each and
// timestamps every notification as it arrives, on the clock performance.timeOrigin +
// performance.now(), which bench/ws.mjs reads too (and checks against this one with pings).
//
// Messages from the parent:
//   { type: "open", url, count, burst, timeoutMs }  opens `count` sockets, `burst` at a time (each
//       burst subscribed, or failed, before the next); answers "progress" after each burst, then
//       { type: "ready", subscribed, failed, failures } (a sample of why sockets failed).
//   { type: "ping", id }                            answers { type: "pong", id, now }.
//   { type: "report" }                              answers { type: "report", clients, dropped, odd,
//       sample }: per subscribed client the block number, seq and receive time of each
//       notification, in order of arrival; sockets the gateway closed; frames that did not fit
//       (errors, foreign subscription ids); the first notification received.
//   { type: "close", timeoutMs }                    closes every socket, answers { type: "closed",
//       closed, timedOut } and exits.
// And unasked: { type: "complete", number } once every subscribed socket has block `number`.
import { performance } from "node:perf_hooks";

const now = () => performance.timeOrigin + performance.now();
const SUBSCRIBE = '{"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]}';
const NUMBER = '"number":"';
const SEQ = '"seq":';
/** Failures and odd frames kept as samples for the printout. */
const SAMPLES = 5;

/**
 * @typedef {{ ws: WebSocket, sub: string | undefined, numbers: number[], seqs: number[],
 *   times: number[], closed: { code: number, reason: string } | undefined }} Client
 */
/** @type {Client[]} */
const clients = [];
/** Sockets subscribed so far: a block is complete when this many have it. */
let subscribed = 0;
/** Block number -> sockets that have received it. */
const counts = new Map();
/** Frames after subscribing that were not a notification of the socket's subscription. */
const odd = { count: 0, samples: /** @type {string[]} */ ([]) };
let closing = false;
/** The first notification received, for the printout. */
let sample;

function post(message, then) {
  process.send?.(message, undefined, {}, then);
}

function oddFrame(text) {
  odd.count++;
  if (odd.samples.length < SAMPLES) odd.samples.push(text.slice(0, 300));
}

/** A notification: its block number and seq read without parsing the whole frame. */
function onNotification(client, text, t) {
  if (!text.includes(`"subscription":"${client.sub}"`)) return oddFrame(text);
  const at = text.indexOf(NUMBER);
  const seqAt = text.indexOf(SEQ);
  if (at < 0 || seqAt < 0) return oddFrame(text);
  const number = Number.parseInt(text.slice(at + NUMBER.length, text.indexOf('"', at + NUMBER.length)), 16);
  const seq = Number.parseInt(text.slice(seqAt + SEQ.length), 10);
  sample ??= text;
  client.numbers.push(number);
  client.seqs.push(seq);
  client.times.push(t);
  const count = (counts.get(number) ?? 0) + 1;
  counts.set(number, count);
  if (count === subscribed) post({ type: "complete", number });
}

/** Opens one socket and subscribes: resolves with undefined once subscribed, or why it failed. */
function openOne(url, timeoutMs) {
  return new Promise((resolve) => {
    /** @type {Client} */
    const client = {
      ws: new WebSocket(url),
      sub: undefined,
      numbers: [],
      seqs: [],
      times: [],
      closed: undefined,
    };
    const { ws } = client;
    let settled = false;
    const settle = (failure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (failure === undefined) {
        clients.push(client);
        subscribed++;
      } else {
        try {
          ws.close();
        } catch {
          // Not open.
        }
      }
      resolve(failure);
    };
    const timer = setTimeout(() => settle(`not subscribed after ${timeoutMs} ms`), timeoutMs);
    ws.addEventListener("open", () => ws.send(SUBSCRIBE));
    ws.addEventListener("message", (event) => {
      const t = now();
      const text = typeof event.data === "string" ? event.data : String(event.data);
      if (client.sub !== undefined) {
        if (text.includes('"eth_subscription"')) onNotification(client, text, t);
        else oddFrame(text);
        return;
      }
      let answer;
      try {
        answer = JSON.parse(text);
      } catch {
        return settle(`not JSON: ${text.slice(0, 200)}`);
      }
      if (answer.id === 1 && typeof answer.result === "string") {
        client.sub = answer.result;
        settle(undefined);
      } else settle(`subscribe answered ${text.slice(0, 200)}`);
    });
    ws.addEventListener("error", (event) => {
      settle(`error: ${event.message ?? event.error?.message ?? "(no message)"}`);
    });
    ws.addEventListener("close", (event) => {
      if (!settled) settle(`closed before subscribing: ${event.code} ${event.reason}`);
      else if (!closing && client.sub !== undefined)
        client.closed = { code: event.code, reason: event.reason };
    });
  });
}

async function open({ url, count, burst, timeoutMs }) {
  let failed = 0;
  /** Why sockets failed, by reason, with a count each. */
  const failures = {};
  for (let start = 0; start < count; start += burst) {
    const n = Math.min(burst, count - start);
    const results = await Promise.all(Array.from({ length: n }, () => openOne(url, timeoutMs)));
    for (const failure of results) {
      if (failure === undefined) continue;
      failed++;
      if (failures[failure] !== undefined || Object.keys(failures).length < SAMPLES) {
        failures[failure] = (failures[failure] ?? 0) + 1;
      }
    }
    post({ type: "progress", subscribed, failed });
  }
  post({ type: "ready", subscribed, failed, failures });
}

function report() {
  const dropped = clients.flatMap((c) => (c.closed ? [c.closed] : []));
  post({
    type: "report",
    clients: clients.map((c) => ({
      numbers: Float64Array.from(c.numbers),
      seqs: Float64Array.from(c.seqs),
      times: Float64Array.from(c.times),
    })),
    dropped: { count: dropped.length, samples: dropped.slice(0, SAMPLES) },
    odd,
    sample,
  });
}

async function close({ timeoutMs }) {
  closing = true;
  const open = clients.filter((c) => c.ws.readyState !== WebSocket.CLOSED);
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const closed = Promise.all(
    open.map(
      (c) =>
        new Promise((resolve) => {
          c.ws.addEventListener("close", () => resolve(undefined));
          c.ws.close(1000, "bench done");
        }),
    ),
  ).then(() => false);
  const late = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  post({ type: "closed", closed: open.length, timedOut: late }, () => process.exit(0));
}

process.on("message", (message) => {
  switch (message.type) {
    case "open":
      open(message).catch((err) => post({ type: "fatal", error: String(err?.stack ?? err) }));
      break;
    case "ping":
      post({ type: "pong", id: message.id, now: now() });
      break;
    case "report":
      report();
      break;
    case "close":
      close(message).catch((err) => post({ type: "fatal", error: String(err?.stack ?? err) }));
      break;
  }
});
// The parent gone, nothing here is of use.
process.on("disconnect", () => process.exit(0));

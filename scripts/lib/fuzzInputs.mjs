// Seeded generator of fuzz inputs for the gateway (scripts/fuzz.mjs, test/e2e/fuzz.test.ts): JSON-RPC
// calls with junk params and odd ids, notifications, batches, and malformed JSON, as HTTP bodies and
// WebSocket frames. The same seed gives the same inputs.
import { methodName, params } from "./fuzzMethods.mjs";

/** A small seeded PRNG (sfc32) with the helpers the generators use. */
export function prng(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: (list) => list[int(0, list.length - 1)],
    // Past 256 characters a random block repeats: long strings cost the generator little.
    string: (n, alphabet) => {
      let s = "";
      for (let i = 0; i < Math.min(n, 256); i++) s += alphabet[int(0, alphabet.length - 1)];
      return n <= 256 ? s : s.repeat(Math.ceil(n / 256)).slice(0, n);
    },
    bytes: (n) => Uint8Array.from({ length: n }, () => int(0, 255)),
  };
}

const PRINTABLE =
  " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
const HUGE_NUMBERS = [
  "1e999999",
  "-1e400",
  "123456789012345678901234567890",
  "0.0000000000000000000001",
  "-0",
];

/** Raw JSON text of an id: ordinary, huge, fractional, escaped, nested (invalid) or null. */
export function oddId(rng) {
  return rng.pick([
    () => String(rng.int(0, 2 ** 31)),
    () => "18446744073709551617",
    () => `9${"9".repeat(rng.int(16, 400))}`,
    () => rng.pick(["1.5", "-0", "1e400", "1E-7", "-12.75e3", "0.1"]),
    () => rng.pick(HUGE_NUMBERS),
    () => "null",
    () => '"\\u0000\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00\\ud800"',
    () => JSON.stringify(rng.string(rng.int(0, 40), PRINTABLE)),
    () => JSON.stringify("x".repeat(rng.int(1000, 20000))),
    () => rng.pick(['{"a":[1,{"b":2}]}', "[1,2]", "[]", "{}", "true", "false"]),
    () => '""',
  ])();
}

/** A junk JSON value for params: wrong types, long strings, deep or odd structures. */
export function junk(rng) {
  return rng.pick([
    () => null,
    () => rng.int(-(2 ** 40), 2 ** 40),
    () => rng.next() * 1e300,
    () => rng.string(rng.int(0, 64), PRINTABLE),
    () => (rng.next() < 0.2 ? "a".repeat(rng.int(10_000, 100_000)) : "b".repeat(rng.int(100, 2000))),
    () => ({ [rng.string(4, PRINTABLE)]: rng.string(8, PRINTABLE), nested: { deeper: [1, "2", null] } }),
    () => [[], {}, [null], ""],
    () => '\u0000\u001f\ud800\u{1F600}\\"',
  ])();
}

/** The text of one call object from raw member texts, in order (keys may repeat). */
function objectText(members) {
  return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

/** A call: a method (known, odd or random) with junk params, and an id (odd now and then, or none). */
export function callText(rng, known, { notification = false } = {}) {
  const members = [["jsonrpc", '"2.0"']];
  const r = rng.next();
  if (r < 0.03) members[0][1] = rng.pick(['"1.0"', "2.0", "null", '"2.0 "', '"2"']);
  else if (r < 0.05) members.pop();
  if (!notification) members.push(["id", rng.next() < 0.2 ? oddId(rng) : String(rng.int(0, 1e6))]);
  const method = rng.next() < 0.03 ? rng.pick([1, null, ["eth_chainId"], { m: 1 }]) : methodName(rng, known);
  members.push(["method", JSON.stringify(method)]);
  const p = params(rng, junk);
  if (p !== undefined) members.push(["params", JSON.stringify(p)]);
  if (rng.next() < 0.04)
    members.push([rng.pick(["extra", "result", "error", "ID"]), JSON.stringify(junk(rng))]);
  if (rng.next() < 0.3) shuffle(rng, members);
  return objectText(members);
}

function shuffle(rng, list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [list[i], list[j]] = [list[j], list[i]];
  }
}

/** A call with a repeated key (method, id, params or jsonrpc), or duplicates inside its params. */
function duplicateKeys(rng, known) {
  const key = rng.pick(["method", "id", "params", "jsonrpc", "inner"]);
  if (key === "inner") {
    return `{"jsonrpc":"2.0","id":7,"method":"eth_call","params":[{"to":"0x${"1".repeat(40)}","to":"0x${"2".repeat(40)}"},"latest"]}`;
  }
  const values = {
    method: () => JSON.stringify(methodName(rng, known)),
    id: () => oddId(rng),
    params: () => JSON.stringify(params(rng, junk) ?? []),
    jsonrpc: () => '"2.0"',
  };
  return objectText([
    ["jsonrpc", '"2.0"'],
    ["id", "1"],
    ["method", '"eth_blockNumber"'],
    ["params", "[]"],
    [key, values[key]()],
  ]);
}

/** JSON nested `depth` levels: in params, in the id, as the whole body, or left unclosed. */
function deepNesting(rng) {
  const depth = rng.int(rng.next() < 0.5 ? 55 : 200, 3000);
  const open = rng.next() < 0.5 ? "[".repeat(depth) : '{"a":'.repeat(depth);
  const close = open.startsWith("[") ? "]".repeat(depth) : "}".repeat(depth);
  const value = `${open}${open.startsWith("[") ? "" : "1"}${close}`;
  return rng.pick([
    () => `{"jsonrpc":"2.0","id":3,"method":"eth_getBalance","params":${value}}`,
    () => `{"jsonrpc":"2.0","id":${value},"method":"eth_chainId"}`,
    () => value,
    () =>
      `[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[${value}]}]`,
    () => open,
  ])();
}

/** Bytes that are not valid UTF-8, spliced into a call's text. */
function invalidUtf8(rng, known) {
  const text = new TextEncoder().encode(callText(rng, known));
  const bad = rng.pick([
    [0xff],
    [0xc3, 0x28],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80],
    [0x80],
  ]);
  const at = rng.int(0, text.length);
  const out = new Uint8Array(text.length + bad.length);
  out.set(text.subarray(0, at));
  out.set(bad, at);
  out.set(text.subarray(at), at + bad.length);
  return out;
}

/** Text or bytes that are not a JSON-RPC request: truncated, random, odd numbers, odd top levels. */
export function malformed(rng, known) {
  return rng.pick([
    () => {
      const text = callText(rng, known);
      return text.slice(0, rng.int(0, text.length - 1));
    },
    () => rng.bytes(rng.int(0, 300)),
    () => rng.string(rng.int(0, 300), PRINTABLE),
    () => invalidUtf8(rng, known),
    () => invalidUtf8(rng, known),
    () =>
      `{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[${rng.pick([...HUGE_NUMBERS, "1".repeat(5000), "01", "0x10", "NaN", "Infinity", "1.", "-", "+1"])}]}`,
    () => deepNesting(rng),
    () => deepNesting(rng),
    () => duplicateKeys(rng, known),
    () => duplicateKeys(rng, known),
    () =>
      rng.pick(["", " ", "null", "1", '"x"', "true", "{}", "[1,2]", "[null]", "[[]]", "\ufeff{}", "{} {}"]),
    () => `${callText(rng, known)}${rng.pick([" {}", ",", "]", "//c", "\u0000", "x"])}`,
    () => `\ufeff${callText(rng, known)}`,
    () => `{'jsonrpc':'2.0','id':1,'method':'eth_chainId'}`,
  ])();
}

/** A batch: empty, mixed (calls, notifications, junk items), oversized, or of notifications only. */
export function batch(rng, known) {
  const r = rng.next();
  if (r < 0.05) return "[]";
  const size = r < 0.75 ? rng.int(1, 10) : r < 0.92 ? rng.int(11, 100) : rng.int(101, 160);
  const onlyNotes = rng.next() < 0.08;
  const items = Array.from({ length: size }, () => {
    const k = rng.next();
    if (onlyNotes || k < 0.15) return callText(rng, known, { notification: true });
    if (k < 0.8) return callText(rng, known);
    if (k < 0.9) return rng.pick(["1", "null", '"x"', "[]", "{}", "[1]", "true"]);
    return malformedItem(rng, known);
  });
  return `[${items.join(",")}]`;
}

/** An item that parses but is refused: repeated keys or nested too deep. */
function malformedItem(rng, known) {
  if (rng.next() < 0.5) return duplicateKeys(rng, known);
  const depth = rng.int(60, 400);
  return `{"jsonrpc":"2.0","id":${rng.int(0, 99)},"method":"eth_call","params":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

/** A body over the 1 MiB limit but within what the gateway reads before refusing it (4 MiB). */
function oversized(rng) {
  const size = rng.int(1024 * 1024 + 1, 3.5 * 1024 * 1024);
  return `{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"data":"0x${"ab".repeat(size / 2)}"},"latest"]}`;
}

/** One body of any kind: calls, odd ids, notifications, batches, malformed, rarely oversized. */
export function body(rng, known) {
  const r = rng.next();
  if (r < 0.0003) return oversized(rng);
  if (r < 0.4) return callText(rng, known);
  if (r < 0.48) return callText(rng, known, { notification: true });
  if (r < 0.65) return batch(rng, known);
  return malformed(rng, known);
}

const CONTENT_TYPES = [
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
];

/** One HTTP input: a body, where the key goes (path, x-api-key or Bearer) and the headers. */
export function httpInput(rng, known) {
  const headers = { "content-type": "application/json" };
  const r = rng.next();
  if (r < 0.04) {
    const type = rng.pick(CONTENT_TYPES);
    if (type) headers["content-type"] = type;
    else delete headers["content-type"];
  }
  if (rng.next() < 0.05) headers["cache-control"] = rng.pick(["no-cache", "no-store", "max-age=0"]);
  const keyIn = rng.next() < 0.85 ? "path" : rng.pick(["x-api-key", "bearer"]);
  return { body: body(rng, known), headers, keyIn };
}

/** One WebSocket frame: text as bodies are (within frame limits), binary now and then, or over the frame limit. */
export function wsFrame(rng, known) {
  const r = rng.next();
  if (r < 0.03) return rng.bytes(rng.int(0, 200));
  if (r < 0.035)
    return `[${Array.from({ length: 900 }, () => `{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":["${"x".repeat(150)}"]}`).join(",")}]`;
  const out = r < 0.1 ? callText(rng, known) : r < 0.2 ? batch(rng, known) : body(rng, known);
  if (typeof out === "string" && out.length > 120_000) return callText(rng, known);
  return out;
}

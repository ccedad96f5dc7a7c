// The fuzzer's judge: is an answer well-formed JSON-RPC, with no local address or upstream URL in it;
// plus the tallies (statuses, error codes, violations) a run reports.
import { NEVER_SERVED, namespaceOf } from "./fuzzMethods.mjs";

const NEVER = new Set(NEVER_SERVED);
/** Statuses the gateway documents (README "API", errors table). */
const KNOWN_STATUSES = new Set([200, 204, 400, 401, 403, 404, 413, 415, 429, 502, 503, 504]);

/**
 * Patterns that must never appear in an answer unless the input carried them: loopback addresses,
 * the upstream's URL, and its port written after a host (`host:port`, not a JSON `"key":value`).
 * @param {string} upstreamUrl
 */
export function leakPatterns(upstreamUrl) {
  const { port } = new URL(upstreamUrl);
  return [
    { name: "upstream URL", re: new RegExp(upstreamUrl.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"), "i") },
    { name: "127.0.0.1", re: /127\.0\.0\.1/ },
    { name: "localhost", re: /localhost/i },
    { name: "[::1]", re: /\[::1\]/ },
    { name: "upstream port", re: new RegExp(`[A-Za-z0-9.\\]]:${port}(?![0-9])`) },
  ];
}

/** The JSON value of a body, or undefined when it is not JSON (bytes that are not UTF-8 included). */
export function parsedInput(body) {
  try {
    const text = typeof body === "string" ? body : new TextDecoder("utf-8", { fatal: true }).decode(body);
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** Why one response entry is not a JSON-RPC 2.0 response (or notification, when allowed), or "". */
export function entryProblem(entry, { notifications = false } = {}) {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return "entry is not an object";
  if (entry.jsonrpc !== "2.0") return 'jsonrpc is not "2.0"';
  if (notifications && entry.method === "eth_subscription" && !("id" in entry)) {
    return typeof entry.params === "object" && entry.params !== null ? "" : "notification without params";
  }
  if (!("id" in entry)) return "no id";
  if (entry.id !== null && typeof entry.id !== "string" && typeof entry.id !== "number") {
    return "id is not a string, number or null";
  }
  if ("result" in entry === "error" in entry) return "not exactly one of result and error";
  if ("error" in entry) {
    const { error } = entry;
    if (typeof error !== "object" || error === null) return "error is not an object";
    if (!Number.isInteger(error.code)) return "error.code is not an integer";
    if (typeof error.message !== "string") return "error.message is not a string";
  }
  return "";
}

/** Why a parsed answer (object or batch array) is not well-formed, or "". */
export function answerProblem(value, options) {
  if (!Array.isArray(value)) return entryProblem(value, options);
  if (value.length === 0) return "empty array";
  for (const entry of value) {
    const problem = entryProblem(entry, options);
    if (problem) return `batch entry: ${problem}`;
  }
  return "";
}

/** The first leak in `text` that the input did not itself carry, or "". */
export function leakIn(text, inputText, patterns) {
  for (const { name, re } of patterns) if (re.test(text) && !re.test(inputText)) return `leaks ${name}`;
  return "";
}

/** Whether the input is one call to a namespace the gateway never serves (so its answer must be an error). */
function neverServedCall(input) {
  const v = input?.value;
  return typeof v === "object" && v !== null && !Array.isArray(v) && NEVER.has(namespaceOf(v.method));
}

/**
 * What is wrong with one HTTP answer ("" when nothing), and the answer's JSON value when it has one.
 * @param {{ body: string | Uint8Array }} input
 * @param {{ status: number, text: string }} answer
 */
export function httpProblem(input, { status, text }, patterns) {
  if (status === 500) return { problem: "HTTP 500" };
  if (!KNOWN_STATUSES.has(status)) return { problem: `unexpected HTTP ${status}` };
  const inputText = typeof input.body === "string" ? input.body : new TextDecoder().decode(input.body);
  const leak = leakIn(text, inputText, patterns);
  if (leak) return { problem: leak };
  const parsed = parsedInput(input.body);
  if (text === "") {
    const single =
      parsed && typeof parsed.value === "object" && parsed.value !== null && !Array.isArray(parsed.value);
    if (status === 204)
      return { problem: single && "id" in parsed.value ? "HTTP 204 for a call with an id" : "" };
    const lone = single && !("id" in parsed.value);
    return { problem: lone && (status === 403 || status === 503) ? "" : `empty body with HTTP ${status}` };
  }
  if (status === 204) return { problem: "HTTP 204 with a body" };
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "body is not JSON" };
  }
  const problem = answerProblem(value);
  if (problem) return { problem, value };
  if (neverServedCall(parsed) && !("error" in value)) {
    return { problem: "served a method of a never-served namespace", value };
  }
  return { problem: "", value };
}

/** Counters of one run: inputs (counted by the runner), statuses, JSON-RPC error codes, violations (the first few kept whole). */
export function tally() {
  return {
    inputs: 0,
    statuses: {},
    errorCodes: {},
    violations: 0,
    examples: [],
    /** One answer: its HTTP status (or "ws"), and the error codes of its JSON value. */
    count(status, value) {
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      for (const entry of Array.isArray(value) ? value : [value]) {
        const code = entry?.error?.code;
        if (code !== undefined) this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
      }
    },
    violation(problem, input, got) {
      this.violations++;
      if (this.examples.length < 10) this.examples.push({ problem, input: clip(input), got: clip(got) });
    },
  };
}

/** A value as short printable text, for reports. */
export function clip(value, max = 300) {
  const text =
    typeof value === "string"
      ? value
      : value instanceof Uint8Array
        ? `bytes(${value.length}) ${Buffer.from(value.subarray(0, 120)).toString("hex")}`
        : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

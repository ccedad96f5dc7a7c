// Drives fuzz inputs (fuzzInputs.mjs) at a running gateway, over HTTP with bounded concurrency and over
// WebSockets, judging each answer (fuzzCheck.mjs) and checking eth_chainId still answers between them.
import { clip, httpProblem, tally } from "./fuzzCheck.mjs";
import { httpInput, prng } from "./fuzzInputs.mjs";
import { adminApi } from "./seed.mjs";

/** Limits no fuzz run reaches, so 429s do not hide other answers; every plan namespace enabled. */
export const FUZZ_PLAN = {
  cuPerSecond: 100_000_000,
  burstCu: 200_000_000,
  monthlyCu: 1e15,
  namespaces: ["debug", "trace", "txpool"],
};

/** A plan, tenant and key of their own for a fuzz run, through the admin API. */
export async function fuzzKey({ gatewayUrl, token }) {
  const api = adminApi({ gatewayUrl, token });
  const name = `fuzz-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const plan = await api("POST", "/plans", { name, ...FUZZ_PLAN });
  const tenant = await api("POST", "/tenants", { name, planId: plan.id });
  const { key } = await api("POST", `/tenants/${tenant.id}/keys`, { name });
  return key;
}

const CHAIN_ID_CALL = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}';

/** "" when a plain eth_chainId over HTTP answers `chainId`, else what went wrong. */
export async function chainIdProblem(rpcUrl, chainId) {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: CHAIN_ID_CALL,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return res.status === 200 && JSON.parse(text).result === chainId
      ? ""
      : `HTTP ${res.status} ${clip(text)}`;
  } catch (err) {
    return String(err);
  }
}

/** One HTTP input sent: its status and body text, or the error that kept it from an answer. */
async function send(base, key, input) {
  const headers = { ...input.headers };
  if (input.keyIn === "x-api-key") headers["x-api-key"] = key;
  if (input.keyIn === "bearer") headers.authorization = `Bearer ${key}`;
  const url = input.keyIn === "path" ? `${base}/${key}` : base;
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: input.body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Sends `count` generated inputs to `base` (`<gateway>/v1/<chain>`), `concurrency` at a time; every
 * `healthEvery` inputs, and at the end, a plain eth_chainId must still answer.
 * @param {{ base: string, key: string, count: number, seed: number, known: string[], patterns: object[],
 *           chainId: string, concurrency?: number, healthEvery?: number, onProgress?: (n: number) => void }} o
 */
export async function runHttp(o) {
  const { base, key, count, known, patterns, chainId, concurrency = 32, healthEvery = 1000 } = o;
  const rng = prng(o.seed);
  const t = tally();
  const health = { checks: 0, failures: 0 };
  const check = async () => {
    health.checks++;
    const problem = await chainIdProblem(`${base}/${key}`, chainId);
    if (problem) {
      health.failures++;
      t.violation(`eth_chainId failed: ${problem}`, CHAIN_ID_CALL, problem);
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const input = httpInput(rng, known);
      await judge(t, input, n, () => send(base, key, input), patterns);
      if ((n + 1) % healthEvery === 0) {
        await check();
        await o.onProgress?.(n + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await check();
  return { ...t, health };
}

async function judge(t, input, n, sendIt, patterns) {
  t.inputs++;
  let answer;
  try {
    answer = await sendIt();
  } catch (err) {
    t.count("failed", undefined);
    t.violation(`no answer: ${err.cause?.code ?? err.name ?? err}`, { n, ...input }, String(err));
    return;
  }
  const { problem, value } = httpProblem(input, answer, patterns);
  t.count(answer.status, value);
  if (problem)
    t.violation(
      problem,
      { n, keyIn: input.keyIn, headers: input.headers, body: clip(input.body) },
      `HTTP ${answer.status} ${answer.text}`,
    );
}

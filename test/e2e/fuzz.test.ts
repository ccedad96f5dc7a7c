// A short fuzz run (the generator of npm run fuzz, scripts/lib/fuzzInputs.mjs) against the e2e
// gateway: every answer well-formed JSON-RPC, never HTTP 500, no local address or upstream URL.
import { describe, expect, inject, test } from "vitest";
import { leakPatterns } from "../../scripts/lib/fuzzCheck.mjs";
import { knownMethods } from "../../scripts/lib/fuzzMethods.mjs";
import { chainIdProblem, fuzzKey, runHttp } from "../../scripts/lib/fuzzRun.mjs";
import { runWs } from "../../scripts/lib/fuzzWs.mjs";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CHAIN_ID = "0x7a69";

describe("fuzzed inputs", () => {
  const gatewayUrl = inject("gatewayUrl");
  const chain = new URL(inject("rpcUrl")).pathname.split("/")[2];
  const base = `${gatewayUrl}/v1/${chain}`;
  const common = { known: knownMethods(), patterns: leakPatterns(inject("anvilUrl")), chainId: CHAIN_ID };
  let key = "";

  const summary = (r: { inputs: number; statuses: object; violations: number; examples: unknown[] }) =>
    `seed ${SEED} (FUZZ_SEED=${SEED} repeats it): ${r.inputs} inputs, statuses ${JSON.stringify(r.statuses)}, ` +
    `${r.violations} violations ${JSON.stringify(r.examples.slice(0, 3), null, 1)}`;

  test("3,000 HTTP inputs get well-formed JSON-RPC answers, and eth_chainId still answers", async () => {
    key = await fuzzKey({ gatewayUrl, token: inject("adminToken") });
    const result = await runHttp({
      ...common,
      base,
      key,
      count: 3_000,
      seed: SEED,
      // Gentle: the other e2e files share this gateway and anvil, and some of them time blocks.
      concurrency: 4,
      healthEvery: 500,
    });
    expect(result.violations, summary(result)).toBe(0);
    expect(result.health.failures).toBe(0);
    expect(result.inputs).toBe(3_000);
    // Answers of every kind came back: results, refusals of bad JSON and of bad requests, notifications.
    expect(Object.keys(result.statuses)).toEqual(expect.arrayContaining(["200", "204", "400"]));
  }, 90_000);

  test("300 WebSocket frames get well-formed replies on sockets that stay open", async () => {
    key ||= await fuzzKey({ gatewayUrl, token: inject("adminToken") });
    const wsUrl = `${base.replace(/^http/, "ws")}/${key}`;
    const result = await runWs({ ...common, wsUrl, count: 300, seed: SEED, sockets: 2 });
    expect(result.violations, summary(result)).toBe(0);
    expect(result.health.checks).toBeGreaterThan(0);
    expect(result.health.failures).toBe(0);
    expect(await chainIdProblem(`${base}/${key}`, CHAIN_ID)).toBe("");
  }, 60_000);
});

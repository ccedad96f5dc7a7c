import { afterEach, describe, expect, test, vi } from "vitest";
import type { ChainConfig, Upstream } from "../../../shared/config/chains";
import type { RpcCall } from "../../../shared/jsonrpc/parse";
import { eth_blockNumber, HIGH_WATER_MS } from "../../../shared/methods/eth_blockNumber";
import type { AttemptContext } from "../../../shared/methods/hooks";
import { healthOf } from "../../../shared/routing/tracker";
import type { CallOutcome } from "../../../shared/upstream/sendCalls";

let n = 0;
function setup() {
  n += 1;
  const upstream: Upstream = {
    id: `ups_bn_${n}`,
    url: `http://bn-${n}.test`,
    secrets: [],
    capabilities: [],
    oldestBlock: undefined,
  };
  const chain = { slug: `bn-${n}`, upstreams: [upstream] } as unknown as ChainConfig;
  healthOf(upstream).chainIdOk = true;
  const context = { chain, upstream, earlierAttempts: 0, send: vi.fn(), timeoutMs: 1_000 } as AttemptContext;
  const call: RpcCall = { ok: true, method: "eth_blockNumber", params: [], paramsRaw: "[]", id: "1" };
  const answer = async (block: number) => {
    const outcome: CallOutcome = { ok: true, resultRaw: `"0x${block.toString(16)}"` };
    return eth_blockNumber.afterAttempt?.(call, outcome, context);
  };
  return { upstream, answer };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("eth_blockNumber: the head clients see never goes back, for a while", () => {
  test("an upstream a block behind the last answer is answered with the last answer", async () => {
    const { answer } = setup();
    expect(await answer(100)).toEqual({ ok: true, resultRaw: '"0x64"' });
    expect(await answer(98)).toEqual({ ok: true, resultRaw: '"0x64"' });
    expect(await answer(101)).toEqual({ ok: true, resultRaw: '"0x65"' });
  });

  test("each answer is the answering upstream's head, for routing", async () => {
    const { upstream, answer } = setup();
    await answer(100);
    await answer(98);
    expect(healthOf(upstream).head).toBe(98);
  });

  test("a mark not raised for HIGH_WATER_MS is forgotten: a chain that went back (a reset) is followed", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { answer } = setup();
    await answer(5_000);
    vi.setSystemTime(1_000_000 + HIGH_WATER_MS - 1);
    expect(await answer(3)).toEqual({ ok: true, resultRaw: '"0x1388"' });
    vi.setSystemTime(1_000_000 + HIGH_WATER_MS + 1);
    expect(await answer(3)).toEqual({ ok: true, resultRaw: '"0x3"' });
    expect(await answer(4)).toEqual({ ok: true, resultRaw: '"0x4"' });
  });
});

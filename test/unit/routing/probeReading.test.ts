import { describe, expect, test } from "vitest";
import { type ProbeOutcome, readProbe } from "../../../shared/routing/probeReading";

const ok = (resultRaw: string): ProbeOutcome => ({ ok: true, resultRaw });
const failed = (message: string): ProbeOutcome => ({ ok: false, error: { message } });

describe("readProbe", () => {
  test("a healthy node: chain id, head, finalized block, not syncing", () => {
    const outcomes = [ok('"0x7a69"'), ok('"0x10"'), ok('{"number":"0xc","hash":"0x1"}'), ok("false")];
    expect(readProbe(outcomes, 31337, 12)).toEqual({
      ok: true,
      latencyMs: 12,
      chainId: 31337,
      chainIdOk: true,
      head: 16,
      finalized: 12,
      syncing: false,
    });
  });

  test("another chain's node: not ok, says which id it answered", () => {
    const reading = readProbe([ok('"0x1"'), ok('"0x10"'), ok("null"), ok("false")], 31337, 5);
    expect(reading).toEqual({
      ok: false,
      latencyMs: 5,
      chainId: 1,
      chainIdOk: false,
      error: "eth_chainId answered 1, this chain is 31337",
    });
  });

  test("a syncing node without the finalized tag is still ok, with syncing true and no finalized", () => {
    const syncing = ok('{"startingBlock":"0x0","currentBlock":"0x5","highestBlock":"0x9"}');
    const reading = readProbe([ok('"0x7a69"'), ok('"0x5"'), failed("unknown block tag"), syncing], 31337, 3);
    expect(reading).toMatchObject({ ok: true, head: 5, syncing: true });
    expect(reading.finalized).toBeUndefined();
  });

  test("no answer to eth_chainId: not ok, with the reason", () => {
    const reading = readProbe([failed("upstream did not answer within 2000 ms; try again")], 31337, 2000);
    expect(reading).toEqual({
      ok: false,
      latencyMs: 2000,
      error: "eth_chainId: upstream did not answer within 2000 ms; try again",
    });
  });

  test("a head that is not a quantity is not ok", () => {
    const reading = readProbe([ok('"0x7a69"'), ok('"latest"'), ok("null"), ok("false")], 31337, 1);
    expect(reading).toMatchObject({
      ok: false,
      chainIdOk: true,
      error: 'eth_blockNumber: not a block number: "latest"',
    });
  });
});

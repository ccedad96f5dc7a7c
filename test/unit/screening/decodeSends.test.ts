import { parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import { InvalidParamsError } from "../../../shared/errors/kinds";
import type { RpcCall } from "../../../shared/jsonrpc/parse";
import { parseItems } from "../../../shared/jsonrpc/requestItems";
import { type DecodedSends, decodeSends, MAX_SIGNATURES } from "../../../shared/screening/decodeSends";

const sender = privateKeyToAccount(`0x${"11".repeat(32)}`);
const delegator = privateKeyToAccount(`0x${"22".repeat(32)}`);
const TO = `0x${"33".repeat(20)}` as const;
const base = { chainId: 1, gas: 21_000n, maxFeePerGas: parseGwei("20"), maxPriorityFeePerGas: 1n };
const plain = (nonce = 0) => sender.signTransaction({ ...base, nonce, to: TO, value: 1n });
const withTwo = async () => {
  const authorization = await delegator.signAuthorization({ address: TO, chainId: 1, nonce: 0 });
  return sender.signTransaction({
    ...base,
    nonce: 0,
    type: "eip7702",
    to: TO,
    authorizationList: [authorization, authorization],
  });
};

const call = (method: string, params: unknown[], id = 1) => ({ jsonrpc: "2.0", id, method, params });
/** Decodes the request as the pipeline does, on a plan that lets `unscreened` through. */
function decode(body: unknown, unscreened: string[] = []) {
  const { items } = parseItems(JSON.stringify(body));
  return { items, sends: decodeSends(items, [], unscreened) as DecodedSends };
}
const errorsOf = (sends: DecodedSends) =>
  Object.fromEntries([...sends.refusals].map(([i, e]) => [i, e.toJsonRpc()]));
const chargedOf = ({ items, sends }: ReturnType<typeof decode>) =>
  items.map((item) => sends.charged.get(item as RpcCall));

const CAP = `a request carries at most ${MAX_SIGNATURES} signatures over all its calls (one per transaction and one per EIP-7702 authorization)`;
const passedHere = {
  code: -32602,
  message: `${CAP} and with this call it carries more: send fewer transactions or authorizations per request`,
  data: { code: "invalid_params", max: 200 },
};
const passedBefore = {
  ...passedHere,
  message: `${CAP} and the calls before this one carry more: send this call in another request`,
};

describe("decodeSends: the request's sends, decoded before admission", () => {
  test("a request that sends nothing is let go at once", () => {
    const { items } = parseItems(JSON.stringify([call("eth_chainId", []), call("eth_call", [{}])]));
    expect(decodeSends(items, [], [])).toBeUndefined();
  });

  test("a call already refused is not decoded", async () => {
    const { items } = parseItems(JSON.stringify(call("eth_sendRawTransaction", ["0xdead"])));
    expect(decodeSends(items, [new InvalidParamsError("refused")], [])).toBeUndefined();
  });

  test("the cap is 200 signatures over all the calls of a request: the call that passes it and every send after it are refused", async () => {
    expect(MAX_SIGNATURES).toBe(200);
    const hundred = { txs: Array(100).fill(await plain()) };
    const { sends } = decode([
      call("eth_sendBundle", [hundred], 1),
      call("eth_sendBundle", [{ txs: Array(99).fill(await plain()) }], 2),
      call("eth_sendRawTransaction", [await withTwo()], 3),
      call("eth_chainId", [], 4),
      // Would fit in the 1 left, but comes after the call that passed 200: not even decoded.
      call("eth_sendRawTransaction", ["not even hex"], 5),
      call("mev_sendBundle", [{ txs: [] }], 6),
    ]);
    expect(sends.decoded.map((d) => [d.index, d.txs.length])).toEqual([
      [0, 100],
      [1, 99],
    ]);
    expect(errorsOf(sends)).toEqual({
      2: passedHere,
      4: passedBefore,
      // An undecodable method keeps its own refusal.
      5: expect.objectContaining({
        code: -32601,
        data: { code: "method_not_allowed", method: "mev_sendBundle" },
      }),
    });
  });

  test("one call carrying more than 200 signatures is refused with the cap", async () => {
    const raw = await withTwo();
    expect(errorsOf(decode(call("eth_sendBundle", [{ txs: Array(67).fill(raw) }])).sends)).toEqual({
      0: passedHere,
    });
    expect(decode(call("eth_sendBundle", [{ txs: Array(66).fill(raw) }])).sends.decoded).toHaveLength(1);
  });

  test("a call refused on its own still counts the signatures decoded for it", async () => {
    const { sends } = decode([
      call("eth_sendBundle", [{ txs: [...Array(99).fill(await plain()), "0x02deadbeef"] }], 1),
      call("eth_sendBundle", [{ txs: Array(100).fill(await plain()) }], 2),
      // 3 more: 202 with the 99 decoded for the refused call, 103 without them.
      call("eth_sendRawTransaction", [await withTwo()], 3),
    ]);
    expect(errorsOf(sends)[0]?.message).toMatch(/^the submitted transaction at index 99 is not a signed/);
    expect(errorsOf(sends)[2]).toEqual(passedHere);
    expect(sends.decoded.map((d) => d.index)).toEqual([1]);
  });

  test("a send the gateway cannot decode is refused unless the plan lists it; then it is let through undecoded", () => {
    const body = call("qn_broadcastRawTransaction", ["0xdead"]);
    expect(errorsOf(decode(body).sends)[0]).toMatchObject({ data: { code: "method_not_allowed" } });
    expect(decode(body, ["qn_broadcastRawTransaction"]).sends).toEqual({
      refusals: new Map(),
      decoded: [],
      charged: new Map(),
    });
  });

  test("a decoded send is charged once per signature, at least once; a refused one is left to its method's charge", async () => {
    const two = await withTwo();
    const decoded = decode([
      call("eth_sendRawTransaction", [await plain()], 1),
      call("eth_sendRawTransaction", [two], 2),
      call("eth_sendBundle", [{ txs: [await plain(0), await plain(1), two] }], 3),
      call("ETH_SENDBUNDLE", [{ txs: [await plain(0), await plain(1)] }], 4),
      call("eth_sendPrivateTransaction", [{ tx: two }], 5),
      call("eth_sendBundle", [{ txs: [] }], 6),
      call("eth_sendRawTransaction", ["0xdeadbeef"], 7),
      call("eth_sendBundle", [{ txs: Array(101).fill(two) }], 8),
      call("eth_chainId", [], 9),
    ]);
    expect(chargedOf(decoded)).toEqual([1, 3, 5, 2, 3, 1, undefined, undefined, undefined]);
  });
});

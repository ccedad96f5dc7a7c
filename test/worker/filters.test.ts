// Filters from both sides: a tenant polls and removes its own filters; another tenant, or anyone
// with a made-up or altered id, gets "filter not found" and reaches no node.
import { beforeAll, describe, expect, test } from "vitest";
import { call, type Fixture, fixture, rpc } from "./fixtures";

interface Reply {
  result?: unknown;
  error?: { code: number; message: string; data: { code: string } };
}

const body = (method: string, params: unknown[] = []) =>
  JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });

/** A call with `as`'s key on `on`'s chain: any key may use any chain. */
async function send(on: Fixture, as: Fixture, method: string, params: unknown[] = []) {
  const res = await call(`/v1/${on.chain}/${as.key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body(method, params),
  });
  return { attempts: res.headers.get("x-upstream-attempts"), json: await res.json<Reply>() };
}

const NOT_FOUND = { code: -32000, message: "filter not found", data: { code: "filter_not_found" } };

let alice: Fixture;
let bob: Fixture;

beforeAll(async () => {
  [alice, bob] = await Promise.all([fixture(), fixture()]);
});

describe("filter ids are bound to the tenant that made them", () => {
  test.each(["eth_newBlockFilter", "eth_newFilter", "eth_newPendingTransactionFilter"])(
    "%s: another tenant cannot poll or uninstall it; its owner can",
    async (method) => {
      const made = await send(alice, alice, method, method === "eth_newFilter" ? [{}] : []);
      const id = made.json.result as string;
      expect(id).toMatch(/^0x[0-9a-f]+$/);
      for (const poll of ["eth_getFilterChanges", "eth_uninstallFilter"]) {
        const stolen = await send(alice, bob, poll, [id]);
        expect(stolen.json.error).toEqual(NOT_FOUND);
        expect(stolen.attempts).toBe("0");
      }
      const polled = await send(alice, alice, "eth_getFilterChanges", [id]);
      expect(Array.isArray(polled.json.result)).toBe(true);
      expect((await send(alice, alice, "eth_uninstallFilter", [id])).json.result).toBe(true);
      // Gone from the node now: the node says so itself.
      expect((await send(alice, alice, "eth_getFilterChanges", [id])).json.error?.message).toMatch(
        /not found/,
      );
    },
  );

  test("a forged, altered or node-style id is not found and reaches no node; real filters still work", async () => {
    const id = (await send(alice, alice, "eth_newBlockFilter")).json.result as string;
    const altered = `${id.slice(0, -1)}${id.endsWith("0") ? "1" : "0"}`;
    for (const forged of [altered, "0x1", "0x", "not-hex", 7, `0x${"00".repeat(300)}`]) {
      const reply = await send(alice, alice, "eth_getFilterChanges", [forged]);
      expect(reply.json.error).toEqual(NOT_FOUND);
      expect(reply.attempts).toBe("0");
    }
    expect(Array.isArray((await send(alice, alice, "eth_getFilterChanges", [id])).json.result)).toBe(true);
    const bobsId = (await (await rpc(bob, body("eth_newBlockFilter"))).json<Reply>()).result as string;
    expect(Array.isArray((await send(bob, bob, "eth_getFilterChanges", [bobsId])).json.result)).toBe(true);
  });
});

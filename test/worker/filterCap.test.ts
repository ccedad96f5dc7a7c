// Filters per tenant are capped by plan (maxFilters), from both sides: the tenant over its cap is
// refused and its extra filter does not stay on the node; another tenant still makes filters; an
// uninstalled filter, or one its node has forgotten, makes room for a new one; polls keep working.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { call, type Fixture, fixture } from "./fixtures";

interface Reply {
  result?: unknown;
  error?: { code: number; message: string; data: Record<string, unknown> };
}

async function send(f: Fixture, method: string, params: unknown[] = []) {
  const res = await call(`/v1/${f.chain}/${f.key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return { status: res.status, json: await res.json<Reply>() };
}

/** A JSON-RPC call straight to the node, bypassing the gateway; its whole reply. */
async function atNode(method: string, params: unknown[]): Promise<Reply> {
  const res = await fetch(env.TEST_ANVIL_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return res.json<Reply>();
}

const CREATES = ["eth_newBlockFilter", "eth_newFilter", "eth_newPendingTransactionFilter"];

/**
 * The filter ids the node handed the gateway, in order. Watches the Worker's fetches to the node
 * (the gateway runs in this isolate) and passes each on unchanged.
 */
let nodeIds: string[];
beforeEach(() => {
  nodeIds = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const res = await realFetch(input, init);
    const body = typeof init?.body === "string" ? init.body : "";
    if (CREATES.some((m) => body.includes(`"${m}"`))) {
      const reply = await res.clone().json<Reply>();
      if (typeof reply.result === "string") nodeIds.push(reply.result);
    }
    return res;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const capped = () => fixture({ plan: { maxFilters: 2 } });
const CAP_ERROR = {
  code: -32005,
  message:
    "filter limit reached: this plan allows 2 filters at once; uninstall one with eth_uninstallFilter, or leave one unpolled for 5 minutes and it expires",
  data: { code: "limit_exceeded", limit: "filters", maxFilters: 2 },
};

test("the filter over the plan's cap is refused, naming the cap, and removed from its node; the first two still poll", async () => {
  const f = await capped();
  const first = (await send(f, "eth_newBlockFilter")).json.result as string;
  const second = (await send(f, "eth_newFilter", [{}])).json.result as string;
  expect([first, second]).toEqual([expect.stringMatching(/^0x[0-9a-f]+$/), expect.stringMatching(/^0x/)]);
  const third = await send(f, "eth_newPendingTransactionFilter");
  expect(third.status).toBe(200);
  expect(third.json.error).toEqual(CAP_ERROR);
  // The node made three filters; the third is gone from it when the refusal arrives.
  expect(nodeIds).toHaveLength(3);
  expect((await atNode("eth_getFilterChanges", [nodeIds[2]])).error?.message).toBe("filter not found");
  for (const id of [first, second]) {
    expect(Array.isArray((await send(f, "eth_getFilterChanges", [id])).json.result)).toBe(true);
  }
  expect(Array.isArray((await send(f, "eth_getFilterLogs", [second])).json.result)).toBe(true);
  // Still refused on a later try: polls do not free room.
  expect((await send(f, "eth_newBlockFilter")).json.error).toEqual(CAP_ERROR);
});

test("another tenant makes filters while the first is at its cap", async () => {
  const [full, other] = await Promise.all([capped(), capped()]);
  for (let i = 0; i < 2; i++) expect((await send(full, "eth_newBlockFilter")).json.result).toBeDefined();
  expect((await send(full, "eth_newBlockFilter")).json.error).toEqual(CAP_ERROR);
  for (let i = 0; i < 2; i++) {
    const made = await send(other, "eth_newBlockFilter");
    expect(made.json.result).toEqual(expect.stringMatching(/^0x/));
    expect(Array.isArray((await send(other, "eth_getFilterChanges", [made.json.result])).json.result)).toBe(
      true,
    );
  }
});

test("uninstalling a filter makes room for a new one at once", async () => {
  const f = await capped();
  const ids = [];
  for (let i = 0; i < 2; i++) ids.push((await send(f, "eth_newBlockFilter")).json.result as string);
  expect((await send(f, "eth_newBlockFilter")).json.error).toEqual(CAP_ERROR);
  expect((await send(f, "eth_uninstallFilter", [ids[0]])).json.result).toBe(true);
  const fresh = await send(f, "eth_newBlockFilter");
  expect(fresh.json.result).toEqual(expect.stringMatching(/^0x/));
  expect(Array.isArray((await send(f, "eth_getFilterChanges", [fresh.json.result])).json.result)).toBe(true);
  expect((await send(f, "eth_newBlockFilter")).json.error).toEqual(CAP_ERROR);
});

test("a filter its node has forgotten is released by the poll that finds it gone", async () => {
  const f = await capped();
  const ids = [];
  for (let i = 0; i < 2; i++) ids.push((await send(f, "eth_newBlockFilter")).json.result as string);
  // The node drops the first filter on its own (as after 5 minutes unpolled, or a restart).
  expect((await atNode("eth_uninstallFilter", [nodeIds[0]])).result).toBe(true);
  expect((await send(f, "eth_newBlockFilter")).json.error).toEqual(CAP_ERROR);
  expect((await send(f, "eth_getFilterChanges", [ids[0]])).json.error?.message).toBe("filter not found");
  expect((await send(f, "eth_newBlockFilter")).json.result).toEqual(expect.stringMatching(/^0x/));
});

test("polls within a minute do not each renew the hold on the tenant's meter", async () => {
  const f = await capped();
  const id = (await send(f, "eth_newBlockFilter")).json.result as string;
  const until = () =>
    runInDurableObject(
      env.METER.getByName(f.tenantId),
      (_, state) =>
        state.storage.sql.exec<{ until: number }>("SELECT until FROM holds WHERE id = ?", id).one().until,
    );
  const taken = await until();
  for (let i = 0; i < 3; i++)
    expect(Array.isArray((await send(f, "eth_getFilterChanges", [id])).json.result)).toBe(true);
  await new Promise((r) => setTimeout(r, 100));
  expect(await until()).toBe(taken);
  expect(taken - Date.now()).toBeGreaterThan(4 * 60_000);
});

// Avalanche P-Chains (chains of kind avalanche-p) against the stand-in P-Chain API
// (scripts/lib/pchainServer.mjs): the validators job through the scheduled handler, what
// GET /v1/validators/:network serves from it, and what the EVM side leaves alone.
import { env } from "cloudflare:workers";
import { expect, test } from "vitest";
import { admin, call, type Fixture, fireCron, fixture, rpc } from "./fixtures";

interface PchainFixture extends Fixture {
  /** The stand-in server's scenario behind the chain's one upstream. */
  scenario: string;
}

async function pchain(): Promise<PchainFixture> {
  const scenario = crypto.randomUUID().slice(0, 8);
  const f = await fixture({
    kind: "avalanche-p",
    upstreamUrl: `${env.TEST_PCHAIN_URL}/${scenario}/ext/bc/P`,
  });
  return { ...f, scenario };
}

/** Makes the scenario's P-Chain node answer normally or fail. */
async function setFault(scenario: string, fault: Record<string, unknown>): Promise<void> {
  await fetch(`${env.TEST_PCHAIN_URL}/${scenario}/fault`, { method: "POST", body: JSON.stringify(fault) });
}

/** What the P-Chain node was asked. */
async function asked(scenario: string): Promise<{ requests: number; methods: Record<string, number> }> {
  return (await fetch(`${env.TEST_PCHAIN_URL}/${scenario}/stats`)).json();
}

const notServed = (slug: string) =>
  `"${slug}" is an Avalanche P-Chain, read only by the validators job, not served over JSON-RPC: GET /v1/validators/${slug} for its validators`;

test("the probe job leaves a P-Chain alone: its node is asked nothing and its upstream stays enabled", async () => {
  const p = await pchain();
  await fireCron("* * * * *");
  expect(await asked(p.scenario)).toEqual({ requests: 0, methods: {} });
  const upstream = await admin<{ enabled: boolean; disabledReason: string | null }>(
    "GET",
    `/chains/${p.chain}/upstreams/${p.upstreamId}`,
  );
  expect(upstream).toMatchObject({ enabled: true, disabledReason: null });
  expect(await env.CONFIG_KV.get(`health:v1:${p.chain}`)).toBeNull();
});

test("a price feed named on a P-Chain is skipped, never read through its node", async () => {
  const p = await pchain();
  const base = `P${crypto.randomUUID().slice(0, 6).toUpperCase().replace(/-/g, "")}`;
  await admin("POST", "/price-feeds", {
    pair: `${base}/USD`,
    chain: p.chain,
    address: "0x0000000000000000000000000000000000000001",
    decimals: 8,
    heartbeatSeconds: 3600,
  });
  await fireCron("*/5 * * * *");
  expect(await asked(p.scenario)).toEqual({ requests: 0, methods: {} });
  expect((await call(`/v1/prices/${base}-USD`, { headers: { "x-api-key": p.key } })).status).toBe(404);
});

test("JSON-RPC to a P-Chain, over HTTP, WebSocket or health, is refused with where its data is", async () => {
  const p = await pchain();
  const responses = [
    await rpc(p, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'),
    await call(`/v1/${p.chain}/${p.key}`, { headers: { upgrade: "websocket" } }),
    await call(`/v1/${p.chain}/health`, { headers: { "x-api-key": p.key } }),
  ];
  for (const res of responses) {
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32010, message: notServed(p.chain), data: { code: "chain_not_found" } },
    });
  }
  expect(await asked(p.scenario)).toEqual({ requests: 0, methods: {} });
});

const VALIDATORS_CRON = "*/15 * * * *";

interface Served {
  network: string;
  at: string;
  checkedAt: string;
  stale: boolean;
  staleReason?: string;
  count: number;
  connected: number;
  totalStake: string;
  totalDelegated: string;
  dropped: number;
  by: string;
  limit: number;
  top: { nodeID: string; stake: string; uptime: number | null }[];
}

async function served(p: Fixture, query = ""): Promise<Served> {
  const res = await call(`/v1/validators/${p.chain}${query}`, { headers: { "x-api-key": p.key } });
  if (res.status !== 200) throw new Error(`GET /v1/validators answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function latestRun() {
  const { jobs } = await admin<{
    jobs: {
      job: string;
      cron: string;
      latest: { status: string; counts: Record<string, number>; error: string | null };
    }[];
  }>("GET", "/jobs");
  return jobs.find((j) => j.job === "validators");
}

/** The stand-in node's set (scripts/lib/pchainServer.mjs), as the gateway serves each validator. */
const A = {
  nodeID: "NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg",
  stake: "2500000000000000",
  delegated: "120000000000000",
  delegatorCount: 2,
  delegationFee: 2,
  uptime: 99.87,
  connected: true,
  endTime: "2027-01-01T00:00:00.000Z",
};
const B = {
  nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
  stake: "2000000000000",
  delegated: "75000000000",
  delegatorCount: 2,
  delegationFee: 10,
  uptime: 81.25,
  connected: false,
  endTime: "2026-12-15T00:00:00.000Z",
};
const C = {
  nodeID: "NodeID-MFrZFVCXPv5iCn6M9K6XduxGTYp891xXZ",
  stake: "150000000000000",
  delegated: "0",
  delegatorCount: 0,
  delegationFee: 5,
  uptime: 100,
  connected: true,
  endTime: "2027-03-01T00:00:00.000Z",
};
const D = {
  nodeID: "NodeID-GWPcbFJZFfZreETSoWjPimr846mXEKCtu",
  stake: "800000000000000",
  delegated: "30000000000000",
  delegatorCount: 1,
  delegationFee: 2.5,
  uptime: 97.5,
  connected: true,
  endTime: "2026-11-30T00:00:00.000Z",
};
const TOTALS = {
  count: 4,
  connected: 3,
  totalStake: "3452000000000000",
  totalDelegated: "150075000000000",
  dropped: 0,
};

test("the validators job publishes a P-Chain's set: totals, and the top by stake or uptime", async () => {
  const p = await pchain();
  // An EVM chain beside it, which the job must not ask (its node would answer an error: a partial run).
  await fixture();
  const before = Date.now();
  await fireCron(VALIDATORS_CRON);

  const snapshot = await served(p);
  expect(snapshot).toEqual({
    network: p.chain,
    at: snapshot.checkedAt,
    checkedAt: expect.any(String),
    stale: false,
    ...TOTALS,
    by: "stake",
    limit: 10,
    top: [A, D, C, B],
  });
  expect(Date.parse(snapshot.at)).toBeGreaterThanOrEqual(before);
  expect((await served(p, "?by=uptime")).top.map((v) => v.nodeID)).toEqual([C, A, D, B].map((v) => v.nodeID));
  expect(await served(p, "?by=uptime&limit=2")).toMatchObject({ by: "uptime", limit: 2, top: [C, A] });
  expect((await served(p, "?limit=1")).top).toEqual([A]);

  expect(await asked(p.scenario)).toEqual({ requests: 1, methods: { "platform.getCurrentValidators": 1 } });
  const history = await env.DB.prepare(
    "SELECT count, connected, total_stake, total_delegated, dropped, upstream_id FROM validator_snapshots WHERE network = ?",
  )
    .bind(p.chain)
    .all();
  expect(history.results).toEqual([
    {
      count: 4,
      connected: 3,
      total_stake: "3452000000000000",
      total_delegated: "150075000000000",
      dropped: 0,
      upstream_id: p.upstreamId,
    },
  ]);
  const run = await latestRun();
  expect(run?.cron).toBe(VALIDATORS_CRON);
  expect(run?.latest).toMatchObject({ status: "ok", error: null });
  expect(run?.latest.counts.validators).toBe(4 * (run?.latest.counts.read ?? 0));
});

test("a network that cannot be read keeps its last set, marked stale; the run is partial and shows no URL", async () => {
  const p = await pchain();
  try {
    await fireCron(VALIDATORS_CRON);
    const good = await served(p);

    await setFault(p.scenario, { mode: "http", status: 500 });
    await fireCron(VALIDATORS_CRON);
    const reason = `platform.getCurrentValidators failed on every upstream (${p.upstreamId}: upstream answered HTTP 500; try again)`;
    const kept = await served(p);
    expect(kept).toEqual({ ...good, checkedAt: kept.checkedAt, stale: true, staleReason: reason });
    expect(Date.parse(kept.checkedAt)).toBeGreaterThan(Date.parse(good.at));
    const run = await latestRun();
    expect(run?.latest.status).toBe("partial");
    expect(run?.latest.counts).toMatchObject({ failed: 1 });
    expect(run?.latest.error).toContain(
      `${p.chain}: ${reason}; kept the snapshot read at ${good.at}, marked stale`,
    );
    expect(run?.latest.error).not.toContain(new URL(env.TEST_PCHAIN_URL).host);
    expect(run?.latest.error).not.toContain(p.scenario);

    await setFault(p.scenario, { mode: "rpc_error" });
    await fireCron(VALIDATORS_CRON);
    expect(await served(p)).toMatchObject({
      ...TOTALS,
      at: good.at,
      stale: true,
      staleReason: `platform.getCurrentValidators failed on every upstream (${p.upstreamId}: couldn't get current validators)`,
    });

    // A node that lists no validators is not believed over the last good set.
    await setFault(p.scenario, { mode: "empty" });
    await fireCron(VALIDATORS_CRON);
    expect(await served(p)).toMatchObject({
      ...TOTALS,
      at: good.at,
      stale: true,
      staleReason: `platform.getCurrentValidators failed on every upstream (${p.upstreamId}: listed no validators that read (0 dropped))`,
    });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM validator_snapshots WHERE network = ?")
      .bind(p.chain)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);

    await setFault(p.scenario, { mode: "ok" });
    await fireCron(VALIDATORS_CRON);
    const fresh = await served(p);
    expect(fresh).toMatchObject({ ...TOTALS, stale: false });
    expect(fresh.staleReason).toBeUndefined();
    expect(Date.parse(fresh.at)).toBeGreaterThan(Date.parse(good.at));
  } finally {
    await setFault(p.scenario, { mode: "ok" });
  }
});

test("upstreams are asked in order until one answers", async () => {
  const p = await pchain();
  const second = crypto.randomUUID().slice(0, 8);
  const backup = await admin<{ id: string }>("POST", `/chains/${p.chain}/upstreams`, {
    name: "backup",
    url: `${env.TEST_PCHAIN_URL}/${second}/ext/bc/P`,
  });
  await setFault(p.scenario, { mode: "http", status: 503 });
  try {
    await fireCron(VALIDATORS_CRON);
    expect(await served(p)).toMatchObject({ ...TOTALS, stale: false, top: [A, D, C, B] });
    expect((await asked(p.scenario)).requests).toBe(1);
    expect((await asked(second)).requests).toBe(1);
    const history = await env.DB.prepare("SELECT upstream_id FROM validator_snapshots WHERE network = ?")
      .bind(p.chain)
      .all();
    expect(history.results).toEqual([{ upstream_id: backup.id }]);
  } finally {
    await setFault(p.scenario, { mode: "ok" });
  }
});

test("a network never read is a 404 that says what a network is; a failing first read publishes nothing", async () => {
  const p = await pchain();
  const message = (network: string) =>
    `no validator snapshot for "${network}": a network is the slug of a chain of kind avalanche-p (POST /admin/v1/chains), read by the validators job every 15 minutes`;
  const get = (network: string) => call(`/v1/validators/${network}`, { headers: { "x-api-key": p.key } });

  const unknown = await get("nowhere");
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({
    error: { message: message("nowhere"), data: { code: "not_found" } },
  });

  await setFault(p.scenario, { mode: "rpc_error" });
  try {
    await fireCron(VALIDATORS_CRON);
    const res = await get(p.chain);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: message(p.chain) } });
    expect((await latestRun())?.latest.error).toContain(
      `${p.chain}: platform.getCurrentValidators failed on every upstream`,
    );
    expect((await latestRun())?.latest.error).toContain("; no snapshot yet");
  } finally {
    await setFault(p.scenario, { mode: "ok" });
  }
});

test("an entry that does not read is left out and counted; the run is partial and says which", async () => {
  const p = await pchain();
  await setFault(p.scenario, { mode: "malformed" });
  try {
    await fireCron(VALIDATORS_CRON);
    expect(await served(p)).toMatchObject({ ...TOTALS, dropped: 1, stale: false, top: [A, D, C, B] });
    const run = await latestRun();
    expect(run?.latest.status).toBe("partial");
    expect(run?.latest.error).toContain(
      `${p.chain}: left out entries that did not read: 1 (first: validators[4].nodeID: Invalid input: expected string, received undefined)`,
    );
  } finally {
    await setFault(p.scenario, { mode: "ok" });
  }
});

test("validators need an API key; a bad query is a 400 naming the field", async () => {
  const p = await pchain();
  await fireCron(VALIDATORS_CRON);
  expect((await call(`/v1/validators/${p.chain}`)).status).toBe(401);
  expect((await call(`/v1/validators/${p.chain}`, { headers: { "x-api-key": "rpc_nope" } })).status).toBe(
    401,
  );
  for (const [query, field] of [
    ["?by=fee", "by"],
    ["?limit=0", "limit"],
    ["?limit=101", "limit"],
    ["?limit=ten", "limit"],
    ["?top=5", "(query)"],
  ] as const) {
    const res = await call(`/v1/validators/${p.chain}${query}`, { headers: { "x-api-key": p.key } });
    expect(res.status, query).toBe(400);
    const body = await res.json<{
      error: { code: number; data: { code: string; fields: Record<string, string> } };
    }>();
    expect(body.error.data.code).toBe("invalid_body");
    expect(Object.keys(body.error.data.fields), query).toEqual([field]);
  }
  expect((await served(p, "?limit=100")).top).toHaveLength(4);
});

test("a set no run has refreshed for two runs is served as stale", async () => {
  const p = await pchain();
  await fireCron(VALIDATORS_CRON);
  const key = `validators:v1:${p.chain}`;
  const stored = await env.CONFIG_KV.get<Record<string, unknown>>(key, "json");
  const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
  await env.CONFIG_KV.put(key, JSON.stringify({ ...stored, at, checkedAt: at }));
  expect(await served(p)).toMatchObject({
    at,
    stale: true,
    staleReason: "read 120 min ago; the validators job reads every 15 minutes",
  });
});

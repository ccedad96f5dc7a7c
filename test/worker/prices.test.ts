// The price job through the scheduled handler inside workerd, against an AggregatorV3 feed the test
// deploys on anvil: fresh rounds are served, stale and non-positive rounds are rejected and the last
// good price stays, marked stale; GET /v1/prices serves what the job published.
import { env } from "cloudflare:workers";
import { type Abi, encodeDeployData, encodeFunctionData, type Hex } from "viem";
import { expect, test } from "vitest";
import feedArtifact from "../../contracts/build/MockAggregatorV3.json";
import multicallArtifact from "../../contracts/build/Multicall3.json";
import { admin, anvil, call, fireCron, fixture, transact } from "./fixtures";

const MULTICALL3 = "0xca11bde05977b3631167028862be2a173976ca11";

const abi = feedArtifact.abi;
const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));
const setRound = (feed: string, answer: bigint, updatedAt: bigint) =>
  transact({
    to: feed,
    data: encodeFunctionData({ abi, functionName: "setRound", args: [answer, updatedAt] }),
  });

test("fresh rounds are served; a non-positive or stale round keeps the last good price, marked stale", async () => {
  const f = await fixture();
  const feed = (await transact({
    data: encodeDeployData({
      abi,
      bytecode: feedArtifact.bytecode as `0x${string}`,
      args: [8, "TEST / USD", 300012345678n],
    }),
  })) as string;
  const base = `T${crypto.randomUUID().slice(0, 6).toUpperCase().replace(/-/g, "")}`;
  const pair = `${base}/USD`;
  await admin("POST", "/price-feeds", {
    pair,
    chain: f.chain,
    address: feed,
    decimals: 8,
    heartbeatSeconds: 3600,
  });
  const fire = () => fireCron("*/5 * * * *");
  const price = async () => {
    const res = await call(`/v1/prices/${base}-USD`, { headers: { "x-api-key": f.key } });
    expect(res.status).toBe(200);
    return res.json<{ pair: string; price: string; stale: boolean; staleReason?: string; roundId: string }>();
  };

  await fire();
  expect(await price()).toMatchObject({ pair, price: "3000.12345678", stale: false, roundId: "1" });

  await setRound(feed, -5n, nowSeconds());
  await fire();
  const negative = await price();
  expect(negative).toMatchObject({ price: "3000.12345678", roundId: "1", stale: true });
  expect(negative.staleReason).toBe("round 2 answer -5 is not positive");

  await setRound(feed, 310000000000n, nowSeconds() - 7200n);
  await fire();
  const old = await price();
  expect(old).toMatchObject({ price: "3000.12345678", roundId: "1", stale: true });
  expect(old.staleReason).toMatch(/^round 3 was updated 72\d\d s ago, over the feed's 3600 s heartbeat$/);
  const { jobs } = await admin<{ jobs: { job: string; latest: { status: string; error: string } }[] }>(
    "GET",
    "/jobs",
  );
  const run = jobs.find((j) => j.job === "prices")?.latest;
  expect(run?.status).toBe("partial");
  expect(run?.error).toContain(`${pair}: round 3 was updated`);

  await setRound(feed, 320000000000n, nowSeconds());
  await fire();
  expect(await price()).toMatchObject({ price: "3200", roundId: "4", stale: false });

  const list = await call("/v1/prices", { headers: { "x-api-key": f.key } });
  expect((await list.json<{ prices: { pair: string }[] }>()).prices.map((p) => p.pair)).toContain(pair);
});

test("prices need an API key; an unknown pair is a 404 that says where the list is", async () => {
  const f = await fixture();
  expect((await call("/v1/prices")).status).toBe(401);
  const res = await call("/v1/prices/NOPE-USD", { headers: { "x-api-key": f.key } });
  expect(res.status).toBe(404);
  const body = await res.json<{ error: { message: string } }>();
  expect(body.error.message).toBe("no price for NOPE/USD: GET /v1/prices lists the pairs served");
});

test("where Multicall3 is deployed, a chain's feeds are read in one multicall; a feed that fails there fails alone", async () => {
  // Its own anvil: code set at Multicall3's address would change how the other files' feeds are read.
  const node = env.TEST_MINING_ANVIL_URL;
  const deploy = (artifact: { abi: unknown[]; bytecode: string }, args: unknown[] = []) =>
    transact(
      { data: encodeDeployData({ abi: artifact.abi as Abi, bytecode: artifact.bytecode as Hex, args }) },
      node,
    );
  const multicall = (await deploy(multicallArtifact)) as string;
  await anvil("anvil_setCode", [MULTICALL3, await anvil("eth_getCode", [multicall, "latest"], node)], node);
  const f = await fixture({ upstreamUrl: node });
  const tag = crypto.randomUUID().slice(0, 6).toUpperCase().replace(/-/g, "");
  const feeds = [`M${tag}A`, `M${tag}B`, `M${tag}C`];
  await admin("POST", "/price-feeds", {
    pair: `${feeds[0]}/USD`,
    chain: f.chain,
    address: await deploy(feedArtifact, [8, "A / USD", 150000000n]),
    decimals: 8,
    heartbeatSeconds: 3600,
  });
  await admin("POST", "/price-feeds", {
    pair: `${feeds[1]}/USD`,
    chain: f.chain,
    address: await deploy(feedArtifact, [8, "B / USD", 250000000n]),
    decimals: 8,
    heartbeatSeconds: 3600,
  });
  // No contract here: its call fails inside the multicall, the others are still read.
  await admin("POST", "/price-feeds", {
    pair: `${feeds[2]}/USD`,
    chain: f.chain,
    address: `0x${"e7".repeat(20)}`,
    decimals: 8,
    heartbeatSeconds: 3600,
  });
  await fireCron("*/5 * * * *");

  const { jobs } = await admin<{ jobs: { job: string; latest: { counts: Record<string, number> } }[] }>(
    "GET",
    "/jobs",
  );
  expect(jobs.find((j) => j.job === "prices")?.latest.counts).toMatchObject({
    multicalls: 1,
    failed: 1,
  });
  const served = async (base: string | undefined) =>
    (await call(`/v1/prices/${base}-USD`, { headers: { "x-api-key": f.key } })).json<{ price?: string }>();
  expect((await served(feeds[0])).price).toBe("1.5");
  expect((await served(feeds[1])).price).toBe("2.5");
  expect((await call(`/v1/prices/${feeds[2]}-USD`, { headers: { "x-api-key": f.key } })).status).toBe(404);
});

// The price job through the scheduled handler inside workerd, against an AggregatorV3 feed the test
// deploys on anvil: fresh rounds are served, stale and non-positive rounds are rejected and the last
// good price stays, marked stale; GET /v1/prices serves what the job published.
import { encodeDeployData, encodeFunctionData } from "viem";
import { expect, test } from "vitest";
import feedArtifact from "../../contracts/build/MockAggregatorV3.json";
import { admin, call, fireCron, fixture, transact } from "./gateway";

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

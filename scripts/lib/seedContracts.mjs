// Deploys the local stand-ins for the on-chain data the cron jobs read, on the local node, and points
// the jobs at them: a Chainlink-compatible feed (pair MOCK/USD, settable answer) and a sanctions
// oracle with the Chainalysis interface, listing one address. Both are deployed at each start (on a
// kept chain too: the copies of earlier starts are left unused) and their config replaced.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { encodeDeployData, encodeFunctionData } from "viem";
import { ROOT } from "./gateway.mjs";

/** The address the local oracle lists: a transaction to it through the gateway is refused. */
export const DEMO_SANCTIONED = "0x0000000000000000000000000000000000000bad";
const FEED_PAIR = "MOCK/USD";
const ORACLE_SOURCE = "local-oracle";

const artifact = async (name) =>
  JSON.parse(await readFile(resolve(ROOT, `contracts/build/${name}.json`), "utf8"));

/**
 * @param {{ api: (method: string, path: string, body?: unknown) => Promise<any>, nodeUrl: string, chain: string }} options
 */
export async function seedContracts({ api, nodeUrl, chain }) {
  const node = async (method, params) => {
    const res = await fetch(nodeUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = await res.json();
    if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
  const [from] = await node("eth_accounts", []);
  const transact = async (tx) => {
    const hash = await node("eth_sendTransaction", [{ from, ...tx }]);
    for (;;) {
      const receipt = await node("eth_getTransactionReceipt", [hash]);
      if (receipt) return receipt.contractAddress;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const feed = await artifact("MockAggregatorV3");
  const feedAddress = await transact({
    data: encodeDeployData({
      abi: feed.abi,
      bytecode: feed.bytecode,
      args: [8, "MOCK / USD", 3_000_00000000n],
    }),
  });
  const { feeds } = await api("GET", "/price-feeds");
  const oldFeed = feeds.find((f) => f.pair === FEED_PAIR);
  if (oldFeed) await api("DELETE", `/price-feeds/${oldFeed.id}`);
  await api("POST", "/price-feeds", {
    pair: FEED_PAIR,
    chain,
    address: feedAddress,
    decimals: 8,
    heartbeatSeconds: 86_400,
  });

  const oracle = await artifact("SanctionsList");
  const oracleAddress = await transact({
    data: encodeDeployData({ abi: oracle.abi, bytecode: oracle.bytecode }),
  });
  await transact({
    to: oracleAddress,
    data: encodeFunctionData({
      abi: oracle.abi,
      functionName: "addToSanctionsList",
      args: [[DEMO_SANCTIONED]],
    }),
  });
  // anvil's finalized block is 64 below its head: the listing is final, so the first run reads it.
  await node("anvil_mine", ["0x40"]);
  const { sources } = await api("GET", "/sanction-sources");
  const oldSource = sources.find((s) => s.name === ORACLE_SOURCE);
  if (oldSource) await api("DELETE", `/sanction-sources/${oldSource.id}`);
  await api("POST", "/sanction-sources", {
    kind: "oracle",
    name: ORACLE_SOURCE,
    chain,
    address: oracleAddress,
  });
  return { feed: feedAddress, oracle: oracleAddress };
}

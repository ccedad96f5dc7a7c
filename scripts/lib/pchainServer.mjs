// A stand-in for an AvalancheGo node's P-Chain API, for the validators job's tests (no AvalancheGo
// runs here). It answers `platform.getCurrentValidators` at `<base>/<scenario>/ext/bc/P` with the
// response shape of Avalanche's P-Chain API documentation (vms/platformvm/service.md); each scenario
// (any path segment, one per test) has its own fault switch and counters:
//   POST <base>/<scenario>/fault  {"mode": "ok"}                   answer normally
//                                 {"mode": "http", "status": 500}  answer that HTTP status
//                                 {"mode": "rpc_error"}            answer a JSON-RPC error
//                                 {"mode": "empty"}                answer an empty validator list
//                                 {"mode": "malformed"}            list one more entry, without a nodeID
//   GET  <base>/<scenario>/stats  {"requests": n, "methods": {"platform.getCurrentValidators": n, ...}}
// Any other method gets -32601; a batch (AvalancheGo's API takes one call per request) gets -32600.
import { createServer } from "node:http";

/** @typedef {{ mode: "ok" | "rpc_error" | "empty" | "malformed" } | { mode: "http", status: number }} Fault */
/** @typedef {{ fault: Fault, requests: number, methods: Record<string, number> }} Scenario */

/** @param {string} address */
const owner = (address) => ({ locktime: "0", threshold: "1", addresses: [address] });

/**
 * The primary network's current validators as the node lists them: a current node (`weight`, the
 * deprecated `stakeAmount`, BLS signer, delegator totals, no list), the documentation's example
 * (delegators listed), one without delegators (`delegators: null`), and one that is not connected.
 */
const PCHAIN_VALIDATORS = [
  {
    txID: "2NNkpYTGfTFLSGXJcHtVv6drwVU2cczhmjK2uhvwDyxwsjzZMm",
    startTime: "1767225600",
    endTime: "1798761600",
    weight: "2500000000000000",
    nodeID: "NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg",
    stakeAmount: "2500000000000000",
    validationRewardOwner: owner("P-avax18jma8ppw3nhx5r4ap8clazz0dps7rv5ukulre5"),
    delegationRewardOwner: owner("P-avax18jma8ppw3nhx5r4ap8clazz0dps7rv5ukulre5"),
    potentialReward: "117431493426000",
    accruedDelegateeReward: "2100000000",
    delegationFee: "2.0000",
    uptime: "99.8700",
    connected: true,
    signer: {
      publicKey:
        "0x8f95423f7142d00a48e1014a3de8d28907d420dc33b3052a6dee03a3f2941a393c2351e354704ca66a3fc29870282e15",
      proofOfPossession:
        "0x86a3ab4c45cfe31cae34c1d06f212434ac71b1be6cfe046c80c162e057614a94a5bc9f1ded1a7029deb0ba4ca7c9b71411e293438691be79c2dbf19d1ca7c3eadb9c756246fc5de5b7b89511c7d7302ae051d9e03d7991138299b5ed6a570a98",
    },
    delegatorCount: "2",
    delegatorWeight: "120000000000000",
  },
  {
    txID: "Bbai8nzGVcyn2VmeYcbS74zfjJLjDacGNVuzuvAQkHn1uWfoV",
    startTime: "1600368632",
    endTime: "1797292800",
    stakeAmount: "2000000000000",
    nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
    validationRewardOwner: owner("P-avax18jma8ppw3nhx5r4ap8clazz0dps7rv5ukulre5"),
    delegationRewardOwner: owner("P-avax18jma8ppw3nhx5r4ap8clazz0dps7rv5ukulre5"),
    potentialReward: "117431493426",
    delegationFee: "10.0000",
    uptime: "81.2500",
    connected: false,
    delegatorCount: "2",
    delegatorWeight: "75000000000",
    delegators: [
      {
        txID: "2uZ2NKq6ch7hP2n9zSdKPtwxAvxtxaynzvNeW4GoKv8ZLLGhp",
        startTime: "1600368523",
        endTime: "1602960342",
        stakeAmount: "25000000000",
        nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
        rewardOwner: owner("P-avax18jma8ppw3nhx5r4ap8clazz0dps7rv5ukulre5"),
        potentialReward: "11743144774",
      },
      {
        txID: "eGHQ4WwaN9ahzyP3qBEtqpjXpyC7dkkfSHKTHzxGNqoCKbYyC",
        startTime: "1600368600",
        endTime: "1602960400",
        stakeAmount: "50000000000",
        nodeID: "NodeID-5mb46qkSBj81k9g9e4VFjGGSbaaSLFRzD",
        rewardOwner: owner("P-avax1gss39m5sx6jn7wlyzeqzm086yfq2l02xkvmecy"),
        potentialReward: "23486289548",
      },
    ],
  },
  {
    txID: "2Eug3Y6j1yD745y5bQ9bFCf5nvU2qT1eB53GSpD15EkGUfu8xh",
    startTime: "1767225600",
    endTime: "1803859200",
    weight: "150000000000000",
    nodeID: "NodeID-MFrZFVCXPv5iCn6M9K6XduxGTYp891xXZ",
    stakeAmount: "150000000000000",
    validationRewardOwner: owner("P-avax1gss39m5sx6jn7wlyzeqzm086yfq2l02xkvmecy"),
    delegationRewardOwner: owner("P-avax1gss39m5sx6jn7wlyzeqzm086yfq2l02xkvmecy"),
    potentialReward: "7045889605000",
    delegationFee: "5.0000",
    uptime: "100.0000",
    connected: true,
    delegatorCount: "0",
    delegatorWeight: "0",
    delegators: null,
  },
  {
    txID: "2UvGAPN1AtcFwhGDmsW2TYhyEcFfzcbSqyaGNX4dgLpKhrWRsn",
    startTime: "1767225600",
    endTime: "1795996800",
    weight: "800000000000000",
    nodeID: "NodeID-GWPcbFJZFfZreETSoWjPimr846mXEKCtu",
    stakeAmount: "800000000000000",
    validationRewardOwner: owner("P-avax1l0fhnxh0vn3gx5axuyzgvl5ht9kz0nsxfx6w8x"),
    delegationRewardOwner: owner("P-avax1l0fhnxh0vn3gx5axuyzgvl5ht9kz0nsxfx6w8x"),
    potentialReward: "37578077893000",
    delegationFee: "2.5000",
    uptime: "97.5000",
    connected: true,
    delegatorCount: "1",
    delegatorWeight: "30000000000000",
  },
];

/**
 * Listens on a free loopback port; a scenario's P-Chain endpoint is `${url}/<scenario>/ext/bc/P`.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startPchainServer() {
  /** @type {Map<string, Scenario>} */
  const scenarios = new Map();
  /** @param {string} name */
  const scenarioOf = (name) => {
    let s = scenarios.get(name);
    if (!s) {
      s = { fault: { mode: "ok" }, requests: 0, methods: {} };
      scenarios.set(name, s);
    }
    return s;
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const rpc = /^\/([^/]+)\/ext\/bc\/P\/?$/.exec(path);
    const control = /^\/([^/]+)\/(fault|stats)$/.exec(path);
    if (rpc && req.method === "POST") return answerRpc(scenarioOf(rpc[1]), body, res);
    if (control?.[2] === "fault" && req.method === "POST") {
      scenarioOf(control[1]).fault = JSON.parse(body);
      return send(res, 204, "");
    }
    if (control?.[2] === "stats" && req.method === "GET") {
      const { requests, methods } = scenarioOf(control[1]);
      return send(res, 200, JSON.stringify({ requests, methods }));
    }
    send(res, 404, "404 page not found\n", "text/plain");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * @param {Scenario} scenario
 * @param {string} body
 * @param {import("node:http").ServerResponse} res
 */
function answerRpc(scenario, body, res) {
  scenario.requests++;
  let call;
  try {
    call = JSON.parse(body);
  } catch {
    return send(res, 200, rpcError(null, -32700, "invalid character in request body"));
  }
  const calls = Array.isArray(call) ? call : [call];
  for (const c of calls) {
    const method = String(c?.method);
    scenario.methods[method] = (scenario.methods[method] ?? 0) + 1;
  }
  if (Array.isArray(call)) return send(res, 200, rpcError(null, -32600, "batch requests are not supported"));
  const { id = null, method } = call ?? {};
  const fault = scenario.fault;
  if (fault.mode === "http") return send(res, fault.status, "internal server error\n", "text/plain");
  if (fault.mode === "rpc_error")
    return send(res, 200, rpcError(id, -32000, "couldn't get current validators"));
  if (method !== "platform.getCurrentValidators") {
    return send(res, 200, rpcError(id, -32601, `the method ${String(method)} does not exist`));
  }
  const validators =
    fault.mode === "empty"
      ? []
      : fault.mode === "malformed"
        ? [...PCHAIN_VALIDATORS, { ...PCHAIN_VALIDATORS[0], nodeID: undefined }]
        : PCHAIN_VALIDATORS;
  send(res, 200, JSON.stringify({ jsonrpc: "2.0", result: { validators }, id }));
}

/** @param {unknown} id @param {number} code @param {string} message */
const rpcError = (id, code, message) => JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id });

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function send(res, status, text, type = "application/json") {
  res.writeHead(status, { "content-type": type }).end(text);
}

/** @param {import("node:http").IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

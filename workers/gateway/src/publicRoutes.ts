/**
 * @module
 * The public HTTP API other than JSON-RPC, each route described (./openapi/op.ts) for its OpenAPI
 * document, GET /v1/openapi.json: usage, prices, validators and health for an API key (metered, with
 * the x-ratelimit-* headers: ./data/metered.ts), and /healthz and /status.json for anyone. A GET to
 * /v1/:chain[/:key] answers how to call JSON-RPC. Errors are JSON-RPC responses (./rpc/respond.ts).
 */
import { type Context, Hono } from "hono";
import { InvalidRequestError } from "../../../shared/errors/kinds";
import type { KeyContext } from "../../../shared/keys/resolveKey";
import type { Endpoint } from "../../../shared/metering/computeUnits";
import { usageView } from "../../../shared/metering/usageView";
import { UsageQuery } from "./admin/schemas";
import { validQuery } from "./admin/validate";
import { requestKey } from "./auth/requestKey";
import { metered } from "./data/metered";
import { allPrices, onePrice } from "./data/prices";
import { ValidatorsQuery, validatorsOf } from "./data/validators";
import { param } from "./openapi/op";
import { documentRoute, lazyDocument, PUBLIC_DOCUMENT } from "./openapi/serve";
import { type AppEnv, op } from "./router";
import { handleHealth } from "./rpc/health";
import { errorResponse } from "./rpc/respond";
import { statusReport } from "./status/statusReport";
import { CHAIN_HEALTH_EXAMPLE, ChainHealth } from "./views/health";
import { PRICE_EXAMPLE, PRICE_LIST_EXAMPLE, PriceList, PriceView } from "./views/prices";
import { Healthz, StatusView } from "./views/status";
import { USAGE_EXAMPLE, UsageView } from "./views/usage";
import { ValidatorsView } from "./views/validators";

/** The API key in `x-api-key` or `Authorization: Bearer`, checked as for JSON-RPC, with its lists and JWT. */
const keyOf = (c: Context<AppEnv>): Promise<KeyContext> =>
  requestKey({
    env: c.env,
    headers: c.req.raw.headers,
    key: undefined,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  });

/** Serves an endpoint for its fixed CU, charged to `key` (data/metered.ts). */
const meter = (c: Context<AppEnv>, key: KeyContext, endpoint: Endpoint, serve: () => Promise<unknown>) =>
  metered({ env: c.env, key, endpoint, chain: "", waitUntil: (p) => c.executionCtx.waitUntil(p), serve });

const health = (c: Context<AppEnv>, key: string | undefined) =>
  handleHealth({
    request: c.req.raw,
    env: c.env,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    chain: param(c, "chain"),
    key,
  });

const KEYED = "Metered: a fixed CU charged to the key, with the x-ratelimit-* headers.";

const usage = op(
  {
    summary: "Your usage",
    description: `The key's tenant's calls, CU and errors by day, key, chain and method family over a range of days (this month by default), and the month so far against the plan's quota. ${KEYED}`,
    tag: "Account",
    access: "api-key",
    query: UsageQuery,
    responses: { 200: { description: "The tenant's usage", schema: UsageView, example: USAGE_EXAMPLE } },
  },
  async (c, { query }) => {
    const key = await keyOf(c);
    const { tenantId, limits } = key;
    return meter(c, key, "usage", () =>
      usageView({ env: c.env, tenantId, monthlyCu: limits.monthlyCu, ...query }),
    );
  },
);

const prices = op(
  {
    summary: "List prices",
    description: `The price job's latest price of every pair it reads. ${KEYED}`,
    tag: "Data",
    access: "api-key",
    responses: {
      200: { description: "Every pair's latest price", schema: PriceList, example: PRICE_LIST_EXAMPLE },
    },
  },
  async (c) => meter(c, await keyOf(c), "prices", () => allPrices(c.env.CONFIG_KV)),
);

const price = op(
  {
    summary: "Get a price",
    description: `One pair's latest price; the pair is written with a dash (ETH-USD for ETH/USD). ${KEYED}`,
    tag: "Data",
    access: "api-key",
    responses: { 200: { description: "The pair's latest price", schema: PriceView, example: PRICE_EXAMPLE } },
  },
  async (c) => meter(c, await keyOf(c), "prices", () => onePrice(c.env.CONFIG_KV, param(c, "pair"))),
);

const validators = op(
  {
    summary: "List validators",
    description: `An Avalanche P-Chain's validators (the network is the slug of a chain of kind avalanche-p), read by the validators job every 15 minutes: the totals and the top validators by own stake or by uptime. ${KEYED}`,
    tag: "Data",
    access: "api-key",
    query: ValidatorsQuery,
    // The key is checked before the query: a request without a valid key learns nothing of it.
    validatedBy: "handler",
    responses: { 200: { description: "The network's totals and top validators", schema: ValidatorsView } },
  },
  async (c) => {
    const key = await keyOf(c);
    const query = validQuery(c, ValidatorsQuery);
    return meter(c, key, "validators", () => validatorsOf(c.env.CONFIG_KV, param(c, "network"), query));
  },
);

const HEALTH = {
  tag: "Health",
  access: "api-key",
  responses: {
    200: {
      description: "One isolate's view of the chain's upstreams",
      schema: ChainHealth,
      example: CHAIN_HEALTH_EXAMPLE,
    },
  },
} as const;

const chainHealth = op(
  {
    ...HEALTH,
    summary: "Chain health",
    description: `The chain's upstreams as the answering isolate sees them (probed first): state, score, head, lag, latency, by opaque id, under the key's origin, address and chain lists. ${KEYED}`,
  },
  (c) => health(c, undefined),
);

const keyedChainHealth = op(
  {
    ...HEALTH,
    summary: "Chain health, key in the path",
    description: `As GET /v1/{chain}/health, with the API key in the path in place of the x-api-key header. ${KEYED}`,
  },
  (c) => health(c, param(c, "key")),
);

const healthz = op(
  {
    summary: "Liveness",
    description: "Answers while the Worker runs; it reads nothing.",
    tag: "Status",
    access: "public",
    responses: { 200: { description: "Running", schema: Healthz, example: { ok: true } } },
  },
  (c) => c.json({ ok: true as const }),
);

const status = op(
  {
    summary: "Service status",
    description:
      "What the public status page shows: per enabled chain its state by the stated rule, head, upstreams (by public name only), calls, error rate and latency over the last hour and day, and incidents of the last 7 days; and the freshness of the scheduled jobs. Built at most every 10 s per isolate.",
    tag: "Status",
    access: "public",
    responses: { 200: { description: "The status report", schema: StatusView } },
  },
  async (c) => c.json(await statusReport(c.env), 200, { "cache-control": "public, max-age=10" }),
);

/** The public routes, in the order they are matched: the catch-all GET /v1/:chain/:key? after the others. */
export const publicRoutes = new Hono<AppEnv>();
publicRoutes
  .get("/v1/usage", usage)
  .get("/v1/prices", prices)
  .get("/v1/prices/:pair", price)
  .get("/v1/validators/:network", validators)
  .get("/v1/:chain/health", chainHealth)
  .get("/v1/:chain/:key/health", keyedChainHealth)
  .get(
    "/v1/openapi.json",
    documentRoute(() => publicDocument()),
  )
  // Not described: JSON-RPC is a POST (or a WebSocket), which the Worker serves before this router.
  .get("/v1/:chain/:key?", () =>
    errorResponse(
      new InvalidRequestError(
        "send JSON-RPC requests with POST, or open a WebSocket (Upgrade: websocket) for eth_subscribe",
      ),
    ),
  )
  .get("/healthz", healthz)
  .get("/status.json", status);

/** The public API's OpenAPI document (GET /v1/openapi.json, and the /docs page). */
export const publicDocument = lazyDocument(() => publicRoutes.routes, PUBLIC_DOCUMENT);

/**
 * @module
 * The one deployed Worker script, composed of its three entry points: HTTP (this folder), the
 * subscription Durable Objects (workers/stream, re-exported here) and the scheduled jobs
 * (workers/cron, as `scheduled`). Over HTTP, JSON-RPC POSTs to /v1/:chain[/:key] go straight to
 * the RPC handler; the router (hono) serves everything else: the admin API at /admin/v1, the /v1
 * data API, CORS preflight, errors. Only this file imports the other two entry points.
 */
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import type { Env } from "../../../shared/config/env";
import { GatewayError } from "../../../shared/errors/base";
import { InvalidRequestError, NotFoundError, toGatewayError } from "../../../shared/errors/kinds";
import { redact } from "../../../shared/errors/redact";
import type { KeyContext } from "../../../shared/keys/resolveKey";
import type { Endpoint } from "../../../shared/metering/computeUnits";
import { usageView } from "../../../shared/metering/usageView";
import { scheduled } from "../../cron/src/index";
import { admin } from "./admin/api";
import { UsageQuery } from "./admin/schemas";
import { validQuery } from "./admin/validate";
import { allowedOrigin } from "./auth/preflight";
import { refusalHeadersMiddleware } from "./auth/refusalHeaders";
import { requestKey } from "./auth/requestKey";
import { metered } from "./data/metered";
import { allPrices, onePrice } from "./data/prices";
import { ValidatorsQuery, validatorsOf } from "./data/validators";
import { type RequestIdVariables, requestId, requestIdOf } from "./middleware/requestId";
import { ADMIN_DOCUMENT, documentRoute } from "./openapi/serve";
import { pageRoutes } from "./pages/routes";
import { handleRpc } from "./rpc/handleRpc";
import { handleHealth } from "./rpc/health";
import { EXPOSED_HEADERS, errorResponse } from "./rpc/respond";
import { matchRpcRoute } from "./rpc/route";
import { handleUpgrade } from "./rpc/upgrade";
import { statusReport } from "./status/statusReport";

type AppEnv = { Bindings: Env; Variables: RequestIdVariables };
const app = new Hono<AppEnv>();

app.use(requestId());
app.use(
  "/v1/*",
  cors({
    origin: allowedOrigin,
    allowMethods: ["POST", "GET", "OPTIONS"],
    allowHeaders: ["content-type", "x-api-key", "authorization", "cache-control"],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 86400,
  }),
);
app.use("/v1/*", refusalHeadersMiddleware());
const health = (c: Context<AppEnv>, key: string | undefined) =>
  handleHealth({
    request: c.req.raw,
    env: c.env,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    chain: c.req.param("chain") as string,
    key,
  });
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
app.get("/v1/usage", async (c) => {
  const query = validQuery(c, UsageQuery);
  const key = await keyOf(c);
  const { tenantId, limits } = key;
  return meter(c, key, "usage", () =>
    usageView({ env: c.env, tenantId, monthlyCu: limits.monthlyCu, ...query }),
  );
});
app.get("/v1/prices", async (c) => meter(c, await keyOf(c), "prices", () => allPrices(c.env.CONFIG_KV)));
app.get("/v1/prices/:pair", async (c) =>
  meter(c, await keyOf(c), "prices", () => onePrice(c.env.CONFIG_KV, c.req.param("pair"))),
);
app.get("/v1/validators/:network", async (c) => {
  const key = await keyOf(c);
  const query = validQuery(c, ValidatorsQuery);
  return meter(c, key, "validators", () => validatorsOf(c.env.CONFIG_KV, c.req.param("network"), query));
});
app.get("/v1/:chain/health", (c) => health(c, undefined));
app.get("/v1/:chain/:key/health", (c) => health(c, c.req.param("key")));
app.get("/v1/:chain/:key?", () =>
  errorResponse(
    new InvalidRequestError(
      "send JSON-RPC requests with POST, or open a WebSocket (Upgrade: websocket) for eth_subscribe",
    ),
  ),
);
// The document is served before the admin API's token check: it describes the API and holds no data.
app.get(
  "/admin/v1/openapi.json",
  documentRoute(() => app.routes, ADMIN_DOCUMENT),
);
app.route("/admin/v1", admin);
app.get("/healthz", (c) => c.json({ ok: true }));
// Public: no key. Built at most every 10 s per isolate (status/statusReport.ts).
app.get("/status.json", async (c) =>
  c.json(await statusReport(c.env), 200, { "cache-control": "public, max-age=10" }),
);
app.route("/", pageRoutes);

app.notFound((c) => errorResponse(new NotFoundError(`no route ${c.req.method} ${c.req.path}`)));
app.onError((err, c) => {
  const error = toGatewayError(err);
  if (!(err instanceof GatewayError) || error.httpStatus >= 500) {
    console.error(
      JSON.stringify({ event: "unhandled", requestId: c.get("requestId"), error: redact(String(err)) }),
    );
  }
  if (c.req.path.startsWith("/admin/")) return c.json({ error: error.toJsonRpc() }, error.httpStatus as 400);
  return errorResponse(error);
});

export { ChainFeed, FanoutShard, Stream } from "../../stream/src/index";
export { AuditAnchor } from "./audit/auditAnchor";
export { TenantMeter } from "./meter/tenantMeter";
export { ChainMetrics } from "./metrics/chainMetrics";

export default {
  fetch(request, env, ctx) {
    if (request.method === "POST") {
      const route = matchRpcRoute(request.url);
      if (route) return handleRpc({ request, env, ctx, route, requestId: requestIdOf(request.headers) });
    } else if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      const route = matchRpcRoute(request.url);
      if (route) return handleUpgrade(request, env, ctx, route);
    }
    return app.fetch(request, env, ctx);
  },
  scheduled,
} satisfies ExportedHandler<Env>;

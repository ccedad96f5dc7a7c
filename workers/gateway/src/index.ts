/**
 * @module
 * The one deployed Worker script, composed of its three entry points: HTTP (this folder), the
 * subscription Durable Objects (workers/stream, re-exported here) and the scheduled jobs
 * (workers/cron, as `scheduled`). Over HTTP, JSON-RPC POSTs to /v1/:chain[/:key] go straight to
 * the RPC handler; the router (hono) serves everything else: the admin API at /admin/v1, the public
 * API (./publicRoutes.ts: the /v1 data API, /healthz, /status.json), the pages, CORS preflight,
 * errors. Only this file imports the other two entry points.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { serveWithEdgeLatency } from "../../../shared/bench/edgeLatency";
import type { Env } from "../../../shared/config/env";
import { GatewayError } from "../../../shared/errors/base";
import { NotFoundError, toGatewayError } from "../../../shared/errors/kinds";
import { redact } from "../../../shared/errors/redact";
import { scheduled } from "../../cron/src/index";
import { admin } from "./admin/api";
import { allowedOrigin } from "./auth/preflight";
import { refusalHeadersMiddleware } from "./auth/refusalHeaders";
import { requestId, requestIdOf } from "./middleware/requestId";
import { ADMIN_DOCUMENT, documentRoute, lazyDocument } from "./openapi/serve";
import { docsRoute } from "./pages/docsRoute";
import { pageRoutes } from "./pages/routes";
import { publicDocument, publicRoutes } from "./publicRoutes";
import type { AppEnv } from "./router";
import { handleRpc } from "./rpc/handleRpc";
import { EXPOSED_HEADERS, errorResponse } from "./rpc/respond";
import { matchRpcRoute } from "./rpc/route";
import { handleUpgrade } from "./rpc/upgrade";

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
app.route("/", publicRoutes);
// The document is served before the admin API's token check: it describes the API and holds no data.
const adminDocument = lazyDocument(() => app.routes, ADMIN_DOCUMENT);
app.get("/admin/v1/openapi.json", documentRoute(adminDocument));
app.get(
  "/docs",
  docsRoute(() => [
    { url: "/admin/v1/openapi.json", doc: adminDocument() },
    { url: "/v1/openapi.json", doc: publicDocument() },
  ]),
);
app.route("/admin/v1", admin);
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

export { ChainFeed, FanoutShard, ShardDirectory, Stream } from "../../stream/src/index";
export { AuditAnchor } from "./audit/auditAnchor";
export { TenantMeter } from "./meter/tenantMeter";
export { ChainMetrics } from "./metrics/chainMetrics";

function serve(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
  if (request.method === "POST") {
    const route = matchRpcRoute(request.url);
    if (route) return handleRpc({ request, env, ctx, route, requestId: requestIdOf(request.headers) });
  } else if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
    const route = matchRpcRoute(request.url);
    if (route) return handleUpgrade(request, env, ctx, route);
  }
  return app.fetch(request, env, ctx);
}

export default {
  fetch(request, env, ctx) {
    // The bench's edge model only (shared/bench/edgeLatency.ts); never set when deployed.
    if (env.BENCH_EDGE_LATENCY)
      return serveWithEdgeLatency(env.BENCH_EDGE_LATENCY, env, (e) => serve(request, e, ctx));
    return serve(request, env, ctx);
  },
  scheduled,
} satisfies ExportedHandler<Env>;

/**
 * @module
 * The gateway Worker: JSON-RPC at /v1/:chain[/:key], the admin API at /admin/v1.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { GatewayError } from "../../../shared/errors/base";
import { InvalidRequestError, NotFoundError, toGatewayError } from "../../../shared/errors/kinds";
import { redact } from "../../../shared/errors/redact";
import { admin } from "./admin";
import type { Env } from "./env";
import { errorResponse, handleRpc } from "./rpc/handle";

const app = new Hono<{ Bindings: Env }>();

app.use(requestId());
app.use(
  "/v1/*",
  cors({
    origin: "*",
    allowMethods: ["POST", "GET", "OPTIONS"],
    allowHeaders: ["content-type", "x-api-key", "authorization"],
    exposeHeaders: ["x-request-id", "x-upstream-id"],
    maxAge: 86400,
  }),
);

app.post("/v1/:chain/:key", handleRpc);
app.post("/v1/:chain", handleRpc);
app.get("/v1/:chain/:key?", (c) =>
  errorResponse(
    c,
    new InvalidRequestError("send JSON-RPC requests with POST; WebSocket subscriptions are not served yet"),
  ),
);
app.route("/admin/v1", admin);
app.get("/healthz", (c) => c.json({ ok: true }));

app.notFound((c) =>
  errorResponse(c, new NotFoundError(`no route ${c.req.method} ${new URL(c.req.url).pathname}`)),
);
app.onError((err, c) => {
  const error = toGatewayError(err);
  if (!(err instanceof GatewayError) || error.httpStatus >= 500) {
    console.error(
      JSON.stringify({ event: "unhandled", requestId: c.get("requestId"), error: redact(String(err)) }),
    );
  }
  if (c.req.path.startsWith("/admin/")) return c.json({ error: error.toJsonRpc() }, error.httpStatus as 400);
  return errorResponse(c, error);
});

export default app;

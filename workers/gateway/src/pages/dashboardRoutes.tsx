/**
 * @module
 * GET /dashboard: the form asking for an API key. POST /dashboard (the key in a form body, never in
 * the URL): the key authenticated exactly as the API does (auth/requestKey.ts), then its view
 * (dashboardData.ts), metered as GET /v1/usage is (data/metered.ts); a refusal shows the form again with the API's
 * message and status. Every answer with the pages' strict CSP and never cached.
 */
import { type Context, Hono } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Env } from "../../../../shared/config/env";
import { GatewayError } from "../../../../shared/errors/base";
import {
  BodyTooLargeError,
  InvalidRequestError,
  UnsupportedMediaTypeError,
} from "../../../../shared/errors/kinds";
import { refusalHeaders } from "../auth/refusalHeaders";
import { requestKey } from "../auth/requestKey";
import { meteredValue } from "../data/metered";
import { dashboardData } from "./dashboardData";
import { DashboardForm, DashboardPage } from "./dashboardPage";
import { PAGE_HEADERS } from "./security";

/** A key is 42 characters: a form body far larger is not this form's. */
const MAX_FORM_BYTES = 4_096;

type DashboardContext = Context<{ Bindings: Env }>;

const page = (c: DashboardContext, body: JSX.Element, status: number, headers: Record<string, string> = {}) =>
  c.html(body, status as ContentfulStatusCode, { ...headers, ...PAGE_HEADERS, "cache-control": "no-store" });

/** The body as text, read no further than MAX_FORM_BYTES (a body without a length is cut off there). */
async function boundedText(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    bytes += chunk.value.byteLength;
    if (bytes > MAX_FORM_BYTES) {
      await reader.cancel();
      throw new BodyTooLargeError(`the form is over ${MAX_FORM_BYTES} bytes`);
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

/** The `key` and optional `secret` fields of a form-encoded body; a missing key is a 400 with what to do. */
async function formKey(request: Request): Promise<{ key: string; secret: string | undefined }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new UnsupportedMediaTypeError("send the form as application/x-www-form-urlencoded");
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) {
    throw new BodyTooLargeError(`the form is over ${MAX_FORM_BYTES} bytes`);
  }
  const text = await boundedText(request.body);
  const form = new URLSearchParams(text);
  const key = form.get("key")?.trim();
  if (!key)
    throw new InvalidRequestError("enter an API key: the dashboard shows the usage of the key you enter");
  return { key, secret: form.get("secret")?.trim() || undefined };
}

async function showKey(c: DashboardContext) {
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  const form = await formKey(c.req.raw);
  // The form's secret is sent as the API takes it (x-api-key-secret): it skips the key's lists there too.
  const headers = new Headers(c.req.raw.headers);
  if (form.secret !== undefined) headers.set("x-api-key-secret", form.secret);
  const key = await requestKey({ env: c.env, headers, key: form.key, waitUntil });
  // Metered as GET /v1/usage is, through the same code: the same CU, usage and refusals.
  const serve = () => dashboardData(c.env, key);
  const served = await meteredValue({ env: c.env, key, endpoint: "usage", chain: "", waitUntil, serve });
  if (!served.ok) {
    return page(c, <DashboardForm error={served.error.message} />, served.error.httpStatus, served.headers);
  }
  return page(c, <DashboardPage data={served.value} />, 200, served.headers);
}

export const dashboardRoutes = new Hono<{ Bindings: Env }>()
  .get("/", (c) => page(c, <DashboardForm />, 200))
  .post("/", async (c) => {
    try {
      return await showKey(c);
    } catch (err) {
      // What the client sent was refused: the form again, with the API's message and status.
      if (err instanceof GatewayError && err.httpStatus >= 400 && err.httpStatus < 500) {
        return page(c, <DashboardForm error={err.message} />, err.httpStatus, refusalHeaders(err));
      }
      throw err;
    }
  });

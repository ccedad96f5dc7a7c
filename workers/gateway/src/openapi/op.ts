/**
 * @module
 * A route described once: its summary, the zod schemas of its body and query (which validate the
 * request, and which the OpenAPI document is made from), and its responses. `op(spec, handler)` (made
 * by `opFor`) is the route's handler, carrying its spec where the document (./document.ts) finds it, on the
 * router's table; the handler gets the input already validated.
 */
import type { Context, Env } from "hono";
import type { z } from "zod";
import { NotFoundError } from "../../../../shared/errors/kinds";
import { validBody, validQuery } from "../admin/validate";

/** Where a handler carries its spec. */
export const SPEC: unique symbol = Symbol.for("rpc-gateway.openapi.spec");

/** Who may call a route: an admin token of that scope, an API key, or anyone. */
export type Access = "admin:read" | "admin:write" | "api-key" | "public";

export interface ResponseSpec {
  description: string;
  /** The JSON body's schema; none for an answer without a body. */
  schema?: z.ZodType;
  /** Not JSON (an HTML page): its media type. */
  mediaType?: string;
  /** An answer as the schema describes it (test/worker/openapi.test.ts holds it to the schema). */
  example?: unknown;
}

export interface OpSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  summary: string;
  description?: string;
  /** The group the reference page lists it under. */
  tag: string;
  access: Access;
  body?: B;
  /** A body the route accepts (the test holds it to `body`); every route with a body has one. */
  bodyExample?: unknown;
  query?: Q;
  /**
   * "handler": the handler validates the body and query itself (validBody/validQuery), after a check
   * that must come first (the API key, before the query); the schemas then only describe the request,
   * and the handler's input holds neither. By default `op` validates them before the handler runs.
   */
  validatedBy?: "handler";
  /** The answers when it succeeds, by status; errors are added for every route (./document.ts). */
  responses: { [status: number]: ResponseSpec };
}

/** The spec as the document reads it. */
export type AnySpec = OpSpec<z.ZodType | undefined, z.ZodType | undefined>;

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface OpInput<B, Q> {
  body: Parsed<B>;
  query: Parsed<Q>;
}

/** A route's handler, carrying its spec. */
export type OpHandler<E extends Env> = ((c: Context<E>) => Promise<Response>) & { [SPEC]: AnySpec };

/**
 * `op` for the routers of one environment (its bindings and variables): `opFor<AdminEnv>()`. The
 * handler made validates the body and query against the spec's schemas (unless the spec says the
 * handler does), then calls `handler`.
 */
export function opFor<E extends Env>() {
  return function op<
    B extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    V extends "handler" | undefined = undefined,
  >(
    spec: OpSpec<B, Q> & { validatedBy?: V },
    handler: (
      c: Context<E>,
      input: V extends "handler" ? OpInput<undefined, undefined> : OpInput<B, Q>,
    ) => Response | Promise<Response>,
  ): OpHandler<E> {
    const run = async (c: Context<E>) => {
      if (spec.validatedBy === "handler") return handler(c, { body: undefined, query: undefined } as never);
      const query = (spec.query ? validQuery(c, spec.query) : undefined) as Parsed<Q>;
      const body = (spec.body ? await validBody(c, spec.body) : undefined) as Parsed<B>;
      return handler(c, { body, query } as never);
    };
    return Object.assign(run, { [SPEC]: spec as AnySpec });
  };
}

/** A parameter of the route's path: matched, so present. */
export function param(c: Context, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw new NotFoundError(`no ${name} in the path`);
  return value;
}

/** The spec a handler carries, if it is one made by `op`. */
export function specOf(handler: unknown): AnySpec | undefined {
  return typeof handler === "function" && SPEC in handler
    ? (handler as { [SPEC]: AnySpec })[SPEC]
    : undefined;
}

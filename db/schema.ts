/**
 * @module
 * D1 schema (drizzle), one file per concern under db/schema/. D1 is the source of truth for
 * configuration; the gateway reads it through KV and isolate caches. Secrets never sit here in
 * clear: keys as SHA-256 hashes, upstream URLs sealed.
 */
export * from "./schema/audit";
export * from "./schema/chains";
export * from "./schema/feeds";
export * from "./schema/operations";
export * from "./schema/sanctions";
export * from "./schema/tenancy";

/**
 * @module
 * Who a WebSocket belongs to: set by the gateway once the key is checked, carried to the shard in
 * a header of the upgrade (only the gateway can reach the stream entrypoint), and kept as the
 * socket's attachment (at most 2 KiB) for as long as it is open.
 */
import { JwtInvalidError } from "../errors/kinds";
import { utf8Exceeds } from "../jsonrpc/utf8Length";
import type { TokenClaims } from "../keys/jwtPolicy";
import type { KeyContext } from "../keys/resolveKey";
import { type KeyLimits, sameLimits } from "../metering/limits";

export interface Connection {
  connId: string;
  /** SHA-256 of the API key: every frame is checked against the key's current state. */
  keyHash: string;
  keyId: string;
  tenantId: string;
  chain: string;
  /** The fan-out shard holding the socket. */
  shard: string;
  maxConnections: number;
  maxSubscriptions: number;
  maxMessageBytes: number;
  /** Wildcard subscriptions (no address, or every pending transaction) over all the tenant's sockets. */
  maxWildcardSubscriptions: number;
  /**
   * The key's rate and quota: notifications are admitted under them. Set at the upgrade, and read
   * again with the caps above by the shard's key check (workers/stream/src/shard/keyCheck.ts).
   */
  limits: KeyLimits;
  /** The upgrade's Origin and client address (each cut to 256 characters), held to the key's lists on every frame. */
  origin?: string;
  ip?: string;
  /** The key's secret hash when the upgrade presented the secret: frames skip the lists while it is still the key's. */
  secretHash?: string;
  /** The upgrade's verified JWT: its lists and cap hold on every frame, until it expires or its signing key is disabled. */
  token?: TokenClaims;
}

/** What a socket's upgrade showed of itself, for the key's lists. */
export interface UpgradeFacts {
  origin: string | null;
  ip: string | null;
  /** The key's secret hash, if the upgrade presented the right secret. */
  secretHash: string | undefined;
  /** The upgrade's verified JWT, if it sent one. */
  token: TokenClaims | undefined;
}

/** Largest attachment a hibernating socket keeps (2 KiB), less room for the socket's id and shard. */
const MAX_CONNECTION_BYTES = 2_048 - 128;

const HEADER = "x-stream-connection";

/** The upgrade request the gateway hands to the stream entrypoint. */
export function upgradeFor(
  request: Request,
  key: KeyContext,
  keyHash: string,
  chain: string,
  facts: UpgradeFacts,
): Request {
  const clip = (text: string | null) => (text === null ? undefined : text.slice(0, 256));
  const conn: Omit<Connection, "connId" | "shard"> = {
    keyHash,
    keyId: key.keyId,
    tenantId: key.tenantId,
    chain,
    ...limitsOf(key),
    origin: clip(facts.origin),
    ip: clip(facts.ip),
    secretHash: facts.secretHash,
    ...(facts.token && { token: facts.token }),
  };
  const text = JSON.stringify(conn);
  // Only a JWT's lists can make it this long: origin and address are cut to 256 characters.
  if (utf8Exceeds(text, MAX_CONNECTION_BYTES)) {
    throw new JwtInvalidError(
      "this JWT's lists are too long to hold on a WebSocket (a socket keeps at most 2 KiB of its own state): narrow its claims, or call over HTTP",
    );
  }
  const headers = new Headers(request.headers);
  headers.set(HEADER, text);
  return new Request(request.url, { headers });
}

/** What a socket applies of its key: the plan's WebSocket caps, and the key's rate and quota. */
export type SocketLimits = Pick<
  Connection,
  "maxConnections" | "maxSubscriptions" | "maxMessageBytes" | "maxWildcardSubscriptions" | "limits"
>;

/** The socket limits of a key as resolved (at the upgrade, on a frame, or by the shard's key check). */
export function limitsOf(key: Pick<KeyContext, "limits" | "ws">): SocketLimits {
  return {
    maxConnections: key.ws.maxConnections,
    maxSubscriptions: key.ws.maxSubscriptions,
    maxMessageBytes: key.ws.maxMessageBytes,
    maxWildcardSubscriptions: key.ws.maxWildcardSubscriptions,
    limits: key.limits,
  };
}

/** `conn` under its key's current limits; `conn` itself when none of them changed. */
export function withLimits(conn: Connection, current: SocketLimits): Connection {
  const same =
    conn.maxConnections === current.maxConnections &&
    conn.maxSubscriptions === current.maxSubscriptions &&
    conn.maxMessageBytes === current.maxMessageBytes &&
    conn.maxWildcardSubscriptions === current.maxWildcardSubscriptions &&
    sameLimits(conn.limits, current.limits);
  return same ? conn : { ...conn, ...current };
}

const CONN_ID_HEADER = "x-stream-conn-id";

/**
 * The connection an upgrade carries, given its shard, with `connId`: by default the id the stream
 * entrypoint set (withConnId), else a fresh one. Undefined if it carries none.
 */
export function connectionOf(
  request: Request,
  shard: string,
  connId = request.headers.get(CONN_ID_HEADER) ?? crypto.randomUUID(),
): Connection | undefined {
  const header = request.headers.get(HEADER);
  if (!header || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return undefined;
  return { ...(JSON.parse(header) as Omit<Connection, "connId" | "shard">), connId, shard };
}

/**
 * `request` naming the id of its socket, whatever header of that name the client sent: the stream
 * entrypoint takes the socket's hold on the tenant's meter under this id before placing it.
 */
export function withConnId(request: Request, connId: string): Request {
  const headers = new Headers(request.headers);
  headers.set(CONN_ID_HEADER, connId);
  return new Request(request.url, { headers });
}

/** Names the shard an upgrade goes to; the shard reads it back from this header. */
export function withShard(request: Request, shard: string): Request {
  const headers = new Headers(request.headers);
  headers.set("x-stream-shard", shard);
  return new Request(request.url, { headers });
}

export function shardOf(request: Request): string | undefined {
  return request.headers.get("x-stream-shard") ?? undefined;
}

/** The chain of the connection an upgrade carries; undefined if it carries none. */
export function chainOf(request: Request): string | undefined {
  const header = request.headers.get(HEADER);
  if (!header) return undefined;
  const { chain } = JSON.parse(header) as Partial<Connection>;
  return typeof chain === "string" ? chain : undefined;
}

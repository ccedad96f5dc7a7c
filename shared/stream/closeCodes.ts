/**
 * @module
 * Every code the gateway closes a client WebSocket with, in one place, and the reason that goes
 * with it: what happened and what to do. Pure.
 */

/** A socket close: its code and its reason (at most 123 bytes of UTF-8). */
export interface SocketClose {
  code: number;
  reason: string;
}

/** The socket's API key was revoked, or its tenant suspended. */
export const REVOKED_CODE = 4001;
/** Policy violation: the client is not reading what it subscribed to fast enough. */
export const SLOW_CONSUMER_CODE = 1008;
/** The tenant's notifications waited for its rate limit longer than a socket may hold them. */
export const RATE_LIMITED_CODE = 4029;
/** The tenant's monthly CU quota is spent. */
export const QUOTA_EXHAUSTED_CODE = 4030;
/** "Try again later" (RFC 6455): the tenant's meter could not be reached on a plan that fails closed. */
export const TRY_AGAIN_LATER_CODE = 1013;
/**
 * The socket's place among its plan's sockets per tenant lapsed, not renewed for 5 minutes (the
 * tenant's meter out of reach), and other sockets took every place meanwhile (-32005, as the upgrade).
 */
export const PLACE_LAPSED_CODE = 4005;

export const REVOKED_CLOSE: SocketClose = { code: REVOKED_CODE, reason: "API key revoked or invalid" };

/** The key's allowlists, changed since the upgrade, no longer allow the socket or one of its subscriptions. */
export const LISTS_CODE = 4003;
export const LISTS_CLOSE: SocketClose = {
  code: LISTS_CODE,
  reason: "the API key's allowlists no longer allow this socket or a subscription: reconnect",
};

/** The socket's JWT expired, or the key that signed it was disabled, or the key now requires a JWT. */
export const JWT_CODE = 4002;
export const JWT_CLOSE: SocketClose = {
  code: JWT_CODE,
  reason:
    "this socket's JWT expired or is no longer valid, or the key now requires one: reconnect with a new JWT",
};

/** Longest close reason the WebSocket protocol carries, in bytes. */
export const MAX_REASON_BYTES = 123;

/** `text` cut to fit a close reason, on a character boundary. */
export function closeReason(text: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= MAX_REASON_BYTES) return text;
  let cut = text;
  while (encoder.encode(`${cut}…`).length > MAX_REASON_BYTES) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The close of a tenant whose monthly quota is spent: the reason is the quota error's message. */
export function quotaClose(message: string): SocketClose {
  return { code: QUOTA_EXHAUSTED_CODE, reason: closeReason(message) };
}

/**
 * The close of a socket whose notifications waited too long because the tenant's meter could not be
 * reached on a plan that fails closed: the reason is the meter_unavailable error's message.
 */
export function meterDownClose(message: string): SocketClose {
  return { code: TRY_AGAIN_LATER_CODE, reason: closeReason(message) };
}

/** The close of a socket whose place lapsed and was taken, under a plan of `maxConnections` sockets. */
export function placeLapsedClose(maxConnections: number): SocketClose {
  return {
    code: PLACE_LAPSED_CODE,
    reason: closeReason(
      `this plan allows ${maxConnections} open WebSockets per tenant: this one's place lapsed and was taken; reconnect when one closes`,
    ),
  };
}

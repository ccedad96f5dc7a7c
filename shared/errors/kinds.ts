/**
 * @module
 * One subclass per kind of failure. JSON-RPC-level problems (a method or its params) answer HTTP 200
 * so that clients such as viem surface the JSON-RPC error; transport-level problems (body, auth,
 * limits, upstreams) carry the HTTP status that says what went wrong. Gateway-specific JSON-RPC codes
 * sit in -32010..-32016, clear of EIP-1474's -32000..-32006, which clients such as viem interpret.
 */
import { GatewayError } from "./base";

export class ParseError extends GatewayError {
  readonly code = "parse_error";
  readonly rpcCode = -32700;
  readonly httpStatus = 400;
}

export class InvalidRequestError extends GatewayError {
  readonly code = "invalid_request";
  readonly rpcCode = -32600;
  readonly httpStatus = 400;
}

export class BatchTooLargeError extends GatewayError {
  readonly code = "batch_too_large";
  readonly rpcCode = -32600;
  readonly httpStatus = 400;
}

export class BodyTooLargeError extends GatewayError {
  readonly code = "body_too_large";
  readonly rpcCode = -32600;
  readonly httpStatus = 413;
}

export class UnsupportedMediaTypeError extends GatewayError {
  readonly code = "unsupported_media_type";
  readonly rpcCode = -32600;
  readonly httpStatus = 415;
}

export class MethodNotFoundError extends GatewayError {
  readonly code = "method_not_found";
  readonly rpcCode = -32601;
  readonly httpStatus = 200;
}

export class MethodNotAllowedError extends GatewayError {
  readonly code = "method_not_allowed";
  readonly rpcCode = -32601;
  readonly httpStatus = 200;
}

export class InvalidParamsError extends GatewayError {
  readonly code = "invalid_params";
  readonly rpcCode = -32602;
  readonly httpStatus = 200;
}

/** A filter id this key did not get from eth_new*Filter, or whose upstream is gone: as a node says it. */
export class FilterNotFoundError extends GatewayError {
  readonly code = "filter_not_found";
  readonly rpcCode = -32000;
  readonly httpStatus = 200;
}

/** An upstream's answer over the chain's byte cap (maxResponseBytes). */
export class ResponseTooLargeError extends GatewayError {
  readonly code = "response_too_large";
  readonly rpcCode = -32602;
  readonly httpStatus = 200;
}

/** An eth_getLogs call over the plan's block range, or matching more logs than one call returns. */
export class LogsLimitError extends GatewayError {
  readonly code = "logs_limit_exceeded";
  readonly rpcCode = -32602;
  readonly httpStatus = 200;
}

/** A subscription's resume point is no longer in the stream's replay buffer. */
export class ResumeUnavailableError extends GatewayError {
  readonly code = "resume_unavailable";
  readonly rpcCode = -32602;
  readonly httpStatus = 200;
}
/** Over one of the plan's WebSocket limits (connections, subscriptions, frame size). */
export class StreamLimitError extends GatewayError {
  readonly code = "stream_limit_exceeded";
  readonly rpcCode = -32005;
  readonly httpStatus = 429;
}

/** Every WebSocket shard of the chain tried in the client's region was full: open the socket again. */
export class StreamAtCapacityError extends GatewayError {
  readonly code = "stream_at_capacity";
  readonly rpcCode = -32005;
  readonly httpStatus = 503;
}

/** The stream's directory or shard did not answer an upgrade: open the socket again. */
export class StreamUnavailableError extends GatewayError {
  readonly code = "stream_unavailable";
  readonly rpcCode = -32015;
  readonly httpStatus = 503;
}
export class UnauthorizedError extends GatewayError {
  readonly code = "unauthorized";
  readonly rpcCode = -32016;
  readonly httpStatus = 401;
}

/** Authenticated, but the credential does not allow this (an admin token's scope or subject). */
export class ForbiddenError extends GatewayError {
  readonly code = "forbidden";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** Too many failed authentications from one client address (the AUTH_LIMITER binding). */
export class AuthRateLimitedError extends GatewayError {
  readonly code = "auth_rate_limited";
  readonly rpcCode = -32005;
  readonly httpStatus = 429;
}

export class ChainNotFoundError extends GatewayError {
  readonly code = "chain_not_found";
  readonly rpcCode = -32010;
  readonly httpStatus = 404;
}

/** Over the tenant's (or the key's) CU per second. */
export class LimitExceededError extends GatewayError {
  readonly code = "limit_exceeded";
  readonly rpcCode = -32005;
  readonly httpStatus = 429;
}

/** The tenant's monthly CU quota is spent: same JSON-RPC code as a rate limit, its own `data.code`. */
export class QuotaExceededError extends GatewayError {
  readonly code = "quota_exceeded";
  readonly rpcCode = -32005;
  readonly httpStatus = 429;
}

/** The tenant's rate limiter cannot be reached and its plan fails closed. */
export class MeterUnavailableError extends GatewayError {
  readonly code = "meter_unavailable";
  readonly rpcCode = -32015;
  readonly httpStatus = 503;
}

export class UpstreamTimeoutError extends GatewayError {
  readonly code = "upstream_timeout";
  readonly rpcCode = -32011;
  readonly httpStatus = 504;
}

export class UpstreamUnavailableError extends GatewayError {
  readonly code = "upstream_unavailable";
  readonly rpcCode = -32012;
  readonly httpStatus = 502;
}

export class NoUpstreamError extends GatewayError {
  readonly code = "no_upstream";
  readonly rpcCode = -32013;
  readonly httpStatus = 503;
}

/** No upstream of the chain can serve this call at all (a capability or old block it lacks). */
export class UnsupportedByUpstreamsError extends GatewayError {
  readonly code = "unsupported_by_upstreams";
  readonly rpcCode = -32014;
  readonly httpStatus = 200;
}

export class InternalError extends GatewayError {
  readonly code = "internal_error";
  readonly rpcCode = -32603;
  readonly httpStatus = 500;
}

export class InvalidBodyError extends GatewayError {
  readonly code = "invalid_body";
  readonly rpcCode = -32602;
  readonly httpStatus = 400;
}

export class NotFoundError extends GatewayError {
  readonly code = "not_found";
  readonly rpcCode = -32601;
  readonly httpStatus = 404;
}

export class ConflictError extends GatewayError {
  readonly code = "conflict";
  readonly rpcCode = -32600;
  readonly httpStatus = 409;
}

/** A transaction sent by, to or authorised by an address on the sanctions list: never forwarded. */
export class SanctionedTransactionError extends GatewayError {
  readonly code = "sanctioned_address";
  readonly rpcCode = -32003;
  readonly httpStatus = 403;
}

/** No sanctions snapshot to screen a transaction against, and the deployment refuses them then. */
export class ScreeningUnavailableError extends GatewayError {
  readonly code = "screening_unavailable";
  readonly rpcCode = -32003;
  readonly httpStatus = 503;
}

/** Any thrown value as a client-safe gateway error; unknown errors never show their message. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new InternalError("internal error; the request was not completed, try again", { cause: err });
}

/*
 * A key's own rules (its allowlists and JWT requirement): 403, the ForbiddenError JSON-RPC code, and a
 * `data.code` that names the rule, so a client can tell which list to change.
 */

/** The request's Origin is not in the key's allowedOrigins, or it sends none. */
export class OriginNotAllowedError extends GatewayError {
  readonly code = "origin_not_allowed";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** The client address is not in the key's allowedIps, or is unknown. */
export class IpNotAllowedError extends GatewayError {
  readonly code = "ip_not_allowed";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** The method is not in the key's allowedMethods (names or namespaces). */
export class MethodNotAllowedForKeyError extends GatewayError {
  readonly code = "method_not_allowed_for_key";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** The call touches a contract not in the key's allowedContracts, or names none. */
export class ContractNotAllowedError extends GatewayError {
  readonly code = "contract_not_allowed";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** The chain is not in the key's allowedChains. */
export class ChainNotAllowedError extends GatewayError {
  readonly code = "chain_not_allowed";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** The key or its plan requires a tenant JWT and the request carries none. */
export class JwtRequiredError extends GatewayError {
  readonly code = "jwt_required";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** A tenant JWT that does not verify (signature, algorithm, kid, claims, not yet valid). */
export class JwtInvalidError extends GatewayError {
  readonly code = "jwt_invalid";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

/** A tenant JWT past its `exp`. */
export class JwtExpiredError extends GatewayError {
  readonly code = "jwt_expired";
  readonly rpcCode = -32016;
  readonly httpStatus = 403;
}

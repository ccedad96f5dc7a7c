/**
 * @module
 * The one error base of the gateway. Every failure a client can see is a subclass with a stable
 * string code, a JSON-RPC code and an HTTP status, so it looks the same over HTTP and WebSocket.
 */

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface GatewayErrorOptions {
  /** Extra, client-safe context appended to the message. */
  details?: string;
  /** Client-safe structured data merged into `error.data`. */
  data?: Record<string, unknown>;
  /** The underlying failure; never shown to clients. */
  cause?: unknown;
}

export abstract class GatewayError extends Error {
  /** Stable machine-readable code, e.g. `invalid_request`. */
  abstract readonly code: string;
  abstract readonly rpcCode: number;
  abstract readonly httpStatus: number;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly data: Record<string, unknown> | undefined;

  constructor(shortMessage: string, options: GatewayErrorOptions = {}) {
    super(options.details ? `${shortMessage}: ${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.data = options.data;
  }

  /** The `error` member of a JSON-RPC response. */
  toJsonRpc(): JsonRpcErrorObject {
    return { code: this.rpcCode, message: this.message, data: { ...this.data, code: this.code } };
  }

  /** Walks the cause chain and returns the first error `fn` accepts. */
  walk(fn: (err: unknown) => boolean): unknown {
    let err: unknown = this;
    while (err) {
      if (fn(err)) return err;
      err = err instanceof Error ? err.cause : undefined;
    }
    return undefined;
  }
}

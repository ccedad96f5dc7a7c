/**
 * @module
 * The stream Worker: will hold the per-chain upstream feed and the client fan-out Durable Objects.
 * Not served yet: every request gets the gateway's own error shape saying so.
 */
import { MethodNotFoundError } from "../../../shared/errors/kinds";
import { errorEntry } from "../../../shared/jsonrpc/serialize";

export default {
  fetch(): Response {
    const error = new MethodNotFoundError(
      "WebSocket subscriptions are not served yet; poll over HTTP instead",
    );
    return new Response(errorEntry("null", error.toJsonRpc()), {
      status: 501,
      headers: { "content-type": "application/json" },
    });
  },
} satisfies ExportedHandler;

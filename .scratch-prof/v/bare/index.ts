/**
 * @module
 * The bench baseline: the least a Worker in front of a JSON-RPC node can do. It forwards the request
 * body to UPSTREAM_URL and streams the node's response back, with no parsing, auth or routing, so
 * the gateway's cost shows as the difference against it in the same run.
 */
interface Env {
  UPSTREAM_URL: string;
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return fetch(env.UPSTREAM_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: request.body,
    });
  },
};

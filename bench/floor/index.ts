/**
 * @module
 * The bench's second baseline: the least a metering gateway must do per call, and nothing else. It
 * reads and parses the request (the method decides the call's compute units), forwards it with a
 * per-attempt timeout, reads and parses the reply (usage counts errors apart, and a reply must be one), and answers with a
 * new Response. No auth, routing, metering or headers of its own. Its req/s over bare's is the
 * ceiling for any gateway that meters by method on this machine.
 */
interface Env {
  UPSTREAM_URL: string;
  UPSTREAM_TIMEOUT_MS: string;
}

const JSON_HEADERS = { "content-type": "application/json" };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const body = await request.text();
    const call = JSON.parse(body) as { method?: unknown };
    if (typeof call.method !== "string") return new Response(null, { status: 400 });
    const res = await fetch(env.UPSTREAM_URL, {
      method: "POST",
      headers: JSON_HEADERS,
      body,
      signal: AbortSignal.timeout(Number(env.UPSTREAM_TIMEOUT_MS)),
    });
    const reply = await res.text();
    const answer = JSON.parse(reply) as { result?: unknown; error?: unknown };
    if (answer.result === undefined && answer.error === undefined) return new Response(null, { status: 502 });
    return new Response(reply, { status: res.status, headers: JSON_HEADERS });
  },
};

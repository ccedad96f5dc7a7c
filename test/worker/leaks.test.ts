// No upstream URL or credential in any response or log line, whatever happens upstream.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { fixture, rpc } from "./fixtures";
import { forbidInLogs } from "./logWatch";

const SECRET = "ProviderKey0123456789";

async function everything(res: Response) {
  return `${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`;
}

const logged = forbidInLogs(() => [SECRET, "127.0.0.1"]);

describe("upstream URLs never leak", () => {
  test("an upstream refusing connections: 502 with a gateway error, no URL", async () => {
    const f = await fixture({ upstreamUrl: `http://127.0.0.1:9/v3/${SECRET}?key=${SECRET}` });
    const res = await rpc(f, '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}');
    expect(res.status).toBe(502);
    const seen = await everything(res.clone());
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain("127.0.0.1");
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: {
        code: -32012,
        message: `chain ${f.chain} is unavailable: 1 attempt on its upstreams failed; try again shortly`,
        data: { code: "upstream_unavailable" },
      },
    });
    expect(res.headers.get("x-upstream-attempts")).toBe("1");
    expect(res.headers.get("x-upstream-id")).toBe(f.upstreamId);
    expect(logged()).toContain('"code":"upstream_unavailable"');
    expect(logged()).toContain(f.upstreamId);
  });

  test("an upstream path that is not a JSON-RPC endpoint: 502, no URL", async () => {
    const f = await fixture({ upstreamUrl: `${env.TEST_ANVIL_URL}/${SECRET}/nope` });
    const res = await rpc(
      f,
      '[{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"},{"jsonrpc":"2.0","id":2,"method":"eth_accounts"}]',
    );
    const seen = await everything(res.clone());
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(env.TEST_ANVIL_URL);
    const body = (await res.json()) as { id: number; result?: unknown; error?: { data: { code: string } } }[];
    expect(body[1]).toEqual({ jsonrpc: "2.0", id: 2, result: [] });
  });
});

// The egress guard at the admin API (under the tests' EGRESS=loopback: local nodes allowed, nothing
// else private) and redirects never followed. No connection is opened to a refused address.
import { env } from "cloudflare:workers";
import { describe, expect, test } from "vitest";
import { admin, adminRaw, fixture, rpc } from "./fixtures";

/** A read at `latest`, which the cache never answers: it reaches an upstream. */
const balanceBody =
  '{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x000000000000000000000000000000000000dEaD","latest"]}';

async function refusedUrl(res: Response, mention: string) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { data: { code: string; fields: { url: string } } } };
  expect(body.error.data.code).toBe("invalid_body");
  expect(body.error.data.fields.url).toContain(mention);
}

const REFUSED: [string, string][] = [
  ["http://169.254.169.254/latest/meta-data/", "IP address"],
  ["http://0xa9fea9fe/latest/meta-data/", "169.254.169.254"],
  ["http://[::ffff:127.0.0.1]:8545/", "IP address"],
  ["http://10.0.0.5:8545/", "IP address"],
  ["http://metadata.google.internal/computeMetadata/v1/", "internal"],
  ["http://user:secret@127.0.0.1:8545/", "user name or password"],
];

describe("admin URLs", () => {
  test("an upstream URL into a private network is refused on create and update; nothing changes", async () => {
    const f = await fixture();
    for (const [url, mention] of REFUSED) {
      await refusedUrl(
        await adminRaw("POST", `/chains/${f.chain}/upstreams`, { name: "evil", url }),
        mention,
      );
      await refusedUrl(
        await adminRaw("PATCH", `/chains/${f.chain}/upstreams/${f.upstreamId}`, { url }),
        mention,
      );
    }
    const { upstreams } = await admin<{ upstreams: { id: string }[] }>("GET", `/chains/${f.chain}/upstreams`);
    expect(upstreams.map((u) => u.id)).toEqual([f.upstreamId]);
    // The loopback node (the tests' anvil) was accepted and still serves the chain.
    const res = await rpc(f, balanceBody);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ jsonrpc: "2.0", id: 1, result: expect.stringMatching(/^0x/) });
  });

  test("a sanctions list URL into a private network is refused on create and update; a loopback one is taken", async () => {
    const name = `egress-${crypto.randomUUID().slice(0, 8)}`;
    for (const [url, mention] of REFUSED) {
      await refusedUrl(await adminRaw("POST", "/sanction-sources", { kind: "list", name, url }), mention);
    }
    const seen = async () =>
      (
        await admin<{ sources: { id: string; name: string; url: string | null }[] }>(
          "GET",
          "/sanction-sources",
        )
      ).sources.filter((s) => s.name === name);
    expect(await seen()).toEqual([]);
    const good = `${env.TEST_LIST_URL}/lists/${name}`;
    const created = await admin<{ id: string }>("POST", "/sanction-sources", {
      kind: "list",
      name,
      url: good,
    });
    for (const [url, mention] of REFUSED) {
      await refusedUrl(await adminRaw("PATCH", `/sanction-sources/${created.id}`, { url }), mention);
    }
    expect((await seen()).map((s) => s.url)).toEqual([good]);
    await admin("DELETE", `/sanction-sources/${created.id}`);
  });
});

describe("redirects", () => {
  const reached = async () =>
    ((await (await fetch(`${env.TEST_REDIRECT_URL}/count`)).json()) as { reached: number }).reached;

  for (const status of [302, 307]) {
    test(`an upstream answering ${status} fails the call; the redirect target receives nothing`, async () => {
      const f = await fixture({ upstreamUrl: `${env.TEST_REDIRECT_URL}/redirect/${status}` });
      const before = await reached();
      const res = await rpc(f, balanceBody);
      const body = (await res.json()) as { result?: unknown; error?: { message: string } };
      expect(body.result).toBeUndefined();
      expect(body.error?.message).toEqual(expect.any(String));
      expect(await reached()).toBe(before);
      // The target does count what reaches it: the test would see a followed redirect.
      await fetch(`${env.TEST_REDIRECT_URL}/target`);
      expect(await reached()).toBe(before + 1);
    });
  }
});

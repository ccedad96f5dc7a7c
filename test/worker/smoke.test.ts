import { describe, expect, test } from "vitest";
import { fixture, rpc } from "./gateway";

describe("gateway in workerd", () => {
  test("answers eth_chainId from anvil", async () => {
    const f = await fixture();
    const res = await rpc(f, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"jsonrpc":"2.0","id":1,"result":"0x7a69"}');
    expect(res.headers.get("x-upstream-id")).toBe(f.upstreamId);
  });
});

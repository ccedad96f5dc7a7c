// The `rpcgw` CLI (cli/rpcgw.mjs) run as a child process against the running gateway, as an operator
// runs it: what it prints for people and with --json, and its exit codes (1 the API refused, 2 a
// usage error, 3 no gateway).
import { describe, expect, inject, test } from "vitest";
import { freePort } from "../../scripts/lib/ports.mjs";
import { TEST_SECRETS } from "../../vitest.config";
import { admin, adminToken, gatewayUrl, KEY_HEADER, ok, PLAN_HEADER, parseTable, rpcgw } from "./cliHelpers";

/** The seeded chain, from `${gatewayUrl}/v1/<chain>/<key>`. */
const chain = new URL(inject("rpcUrl")).pathname.split("/")[2] ?? "";
const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

function eth(key: string) {
  return fetch(`${gatewayUrl}/v1/${chain}/${key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
  });
}

describe("plans, tenants and keys", () => {
  const planName = unique("cli-plan");
  const tenantName = unique("cli-tenant");
  let planId = "";
  let tenantId = "";

  test("plans add prints the plan as a table, and plans list shows it", async () => {
    const added = parseTable(await ok(["plans", "add", "--name", planName, "--cu-per-second", "250"]));
    expect(added.header).toEqual(PLAN_HEADER);
    expect(added.rows).toHaveLength(1);
    const row = added.rows[0] ?? [];
    planId = row[0] ?? "";
    expect(row.slice(1, 6)).toEqual([planName, "250", "1000", "30000000", "100"]);
    const listed = parseTable(await ok(["plans", "list"]));
    expect(listed.header[0]).toBe("id");
    expect(listed.rows.find((r) => r[0] === planId)?.[1]).toBe(planName);
  });

  test("plans list --json prints what the API answers", async () => {
    const json = JSON.parse(await ok(["plans", "list", "--json"]));
    const api = await admin<{ plans: { id: string }[] }>("/plans");
    // Other files may add plans meanwhile: this file's plan is compared whole.
    expect(Object.keys(json)).toEqual(["plans"]);
    const ours = json.plans.find((p: { id: string }) => p.id === planId);
    expect(ours).toEqual(api.plans.find((p) => p.id === planId));
    expect(ours).toMatchObject({ name: planName, cuPerSecond: 250 });
  });

  test("tenants add and tenants list, as a table and as JSON", async () => {
    const added = JSON.parse(
      await ok(["tenants", "add", "--name", tenantName, "--plan-id", planId, "--json"]),
    );
    expect(added).toMatchObject({ name: tenantName, planId, status: "active" });
    tenantId = added.id;
    expect(await admin(`/tenants/${tenantId}`)).toEqual(added);
    const listed = parseTable(await ok(["tenants", "list"]));
    expect(listed.header).toEqual(["id", "name", "plan-id", "status", "created-at"]);
    expect(listed.rows.find((r) => r[0] === tenantId)?.slice(1, 4)).toEqual([tenantName, planId, "active"]);
    const json = JSON.parse(await ok(["tenants", "list", "--json"]));
    const api = await admin<{ tenants: { id: string }[] }>("/tenants");
    expect(json.tenants.find((t: { id: string }) => t.id === tenantId)).toEqual(
      api.tenants.find((t) => t.id === tenantId),
    );
  });

  test("keys create prints the key once, and the key serves JSON-RPC until keys revoke", async () => {
    const out = await ok(["keys", "create", "--tenant", tenantId, "--name", "ci"]);
    const key = /^key:\s+(\S+)$/m.exec(out)?.[1] ?? "";
    expect(key).not.toBe("");
    expect(out.split(key)).toHaveLength(2);
    expect(out).toMatch(/^secret:\s+\S+$/m);
    expect(out).toContain("shown this once");
    const served = await eth(key);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ result: "0x7a69" });

    const listed = parseTable(await ok(["keys", "list", "--tenant", tenantId]));
    expect(listed.header).toEqual(KEY_HEADER);
    expect(listed.rows).toHaveLength(1);
    const [keyId = "", name, , , , revokedAt] = listed.rows[0] ?? [];
    expect([name, revokedAt]).toEqual(["ci", "-"]);
    expect(JSON.parse(await ok(["keys", "list", "--tenant", tenantId, "--json"]))).toEqual(
      await admin(`/tenants/${tenantId}/keys`),
    );

    const revoked = JSON.parse(await ok(["keys", "revoke", keyId, "--json"]));
    expect(revoked).toMatchObject({ id: keyId, revokedAt: expect.any(Number) });
    expect((await eth(key)).status).toBe(401);
  });

  test("a body the API refuses prints the API's message and fields, exit code 1", async () => {
    const run = await rpcgw(["tenants", "add", "--name", unique("cli-bad")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: invalid body: see data\.fields\n {2}planId: /);
    expect(run.stderr).not.toContain(adminToken);
  });
});

test("chains health and upstreams list show the seeded chain's upstream", async () => {
  const health = await ok(["chains", "health", chain]);
  expect(health).toMatch(new RegExp(`^chain:\\s+${chain}$`, "m"));
  const upstreams = parseTable(health.split("\n\n")[1] ?? "");
  expect(upstreams.header.slice(0, 3)).toEqual(["id", "state", "score"]);
  const listed = parseTable(await ok(["upstreams", "list", "--chain", chain]));
  expect(listed.header.slice(0, 3)).toEqual(["id", "name", "enabled"]);
  const anvil = listed.rows.find((r) => r[1] === "anvil");
  expect(anvil?.[2]).toBe("true");
  expect(upstreams.rows.map((r) => r[0])).toContain(anvil?.[0]);
});

test("upstreams add takes the node's URL as --upstream-url; --url stays the gateway's", async () => {
  const slug = unique("cli-chain");
  await ok(["chains", "add", "--slug", slug, "--chain-id", "31337", "--name", "CLI chain"]);
  const added = JSON.parse(
    await ok([
      "--url",
      gatewayUrl,
      "upstreams",
      "add",
      "--chain",
      slug,
      "--name",
      "node-a",
      "--upstream-url",
      inject("anvilUrl"),
      "--capabilities",
      "ws,archive",
      "--json",
    ]),
  ) as { id: string; capabilities: string[] };
  expect(added.capabilities).toEqual(["ws", "archive"]);
  // A rename with --url (the gateway) sends no URL for the upstream, and keeps its capabilities.
  await ok(["--url", gatewayUrl, "upstreams", "update", "--chain", slug, added.id, "--name", "node-b"]);
  const read = await admin<{ name: string; capabilities: string[] }>(`/chains/${slug}/upstreams/${added.id}`);
  expect(read).toMatchObject({ name: "node-b", capabilities: ["ws", "archive"] });
  // The upstream's URL is the one given, not the gateway's: it serves the chain.
  const health = await ok(["chains", "health", slug]);
  expect(health).toContain(added.id);
  const bad = await rpcgw(["keys", "revoke", ".."]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("ID may not be '..'");
});

test("--help lists every command, and a group's --help its commands", async () => {
  expect(await ok(["--help"])).toMatch(/^ {2}keys create\s+Create an API key/m);
  const keys = await ok(["keys", "--help"]);
  expect(keys).toContain("rpcgw keys create --tenant TENANT [flags]");
  expect(keys).not.toContain("plans add");
});

test("an unknown command exits 2 with a short usage", async () => {
  const run = await rpcgw(["widgets", "list"]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("error: unknown command 'widgets'");
  expect(run.stderr).toContain("rpcgw --help");
  const flag = await rpcgw(["plans", "list", "--colour", "red"]);
  expect(flag.code).toBe(2);
  expect(flag.stderr).toContain("error: unknown flag --colour");
});

test("a gateway that cannot be reached exits 3, without printing the token", async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const run = await rpcgw(["plans", "list"], { RPCGW_URL: url });
  expect(run.code).toBe(3);
  expect(run.stderr).toContain(`error: cannot reach the gateway at ${url}`);
  expect(run.stderr).not.toContain(adminToken);
});

test("token mints a token the gateway accepts, and a secret alone is enough to call the API", async () => {
  const secret = TEST_SECRETS.ADMIN_JWT_SECRET;
  const token = (
    await ok(["token", "--secret", secret, "--sub", "cli-test", "--scope", "admin:read"])
  ).trim();
  expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const res = await fetch(`${gatewayUrl}/admin/v1/plans`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const minted = JSON.parse(await ok(["jobs", "--json"], { RPCGW_TOKEN: "", ADMIN_JWT_SECRET: secret }));
  const api = await admin<{ jobs: { job: string; cron: string }[] }>("/jobs");
  const schedule = (jobs: { job: string; cron: string }[]) => jobs.map(({ job, cron }) => ({ job, cron }));
  expect(schedule(minted.jobs)).toEqual(schedule(api.jobs));
});

// Every `rpcgw` command of cli/lib/commands.mjs run against the running gateway both ways: its table
// for people (the header cells, and a row holding the resource) and its --json (what the admin API
// answers for the same thing, read here with fetch; for a write, the resource as a GET then reads it).
// The last test fails when a command was not run both ways, so a new row in COMMANDS needs a test
// here. Names are unique per run: other files share the gateway and its data.
import { describe, expect, inject, test } from "vitest";
import { splitCommand } from "../../cli/lib/args.mjs";
import { COMMANDS } from "../../cli/lib/commands.mjs";
import { findCommand } from "../../cli/lib/run.mjs";
import {
  admin,
  adminFetch,
  CHAIN_HEADER,
  gatewayUrl,
  KEY_HEADER,
  ok as okRun,
  PLAN_HEADER,
  parseTable,
  rpcgw,
  TENANT_HEADER,
  UPSTREAM_HEADER,
} from "./cliHelpers";

const anvilUrl = inject("anvilUrl");
/** The seeded chain, from `${gatewayUrl}/v1/<chain>/<key>`. */
const seededChain = new URL(inject("rpcUrl")).pathname.split("/")[2] ?? "";
const suffix = crypto.randomUUID().slice(0, 8);
const unique = (prefix: string) => `${prefix}-${suffix}`;

/** Commands covered elsewhere: cli.test.ts (token) and cliApply.test.ts (apply). */
const COVERED_ELSEWHERE = new Set(["token", "apply"]);
/** The commands this file ran as expected, by row, and whether as a table and with --json. */
const ran = new Map<string, { table: boolean; json: boolean }>();

function record(args: string[]) {
  const { words, rest } = splitCommand(args);
  const found = findCommand(words);
  if (!found.row) return;
  const seen = ran.get(found.row.cmd) ?? { table: false, json: false };
  if (rest.includes("--json")) seen.json = true;
  else seen.table = true;
  ran.set(found.row.cmd, seen);
}

/** The command's output (it must exit 0), counted as run. */
async function ok(args: string[]): Promise<string> {
  const out = await okRun(args);
  record(args);
  return out;
}

/** The command's --json output, parsed. */
async function okJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, "--json"])) as T;
}

/** `label: value` lines printed by the CLI, by label. */
function parseFields(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((line) => /^([^:]+):\s+(.*)$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => [m[1] ?? "", m[2] ?? ""]),
  );
}

/** The labels of `label: value` lines, in order, repeats included. */
const fieldLabels = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => line.split(":")[0]);

interface Chain {
  slug: string;
  chainId: number;
  name: string;
  maxLagBlocks: number;
  blockTimeMs: number;
}
interface Upstream {
  id: string;
  name: string;
  enabled: boolean;
  capabilities: string[];
  oldestBlock: number | null;
}

describe("chains, upstreams and chains health", () => {
  const slug = unique("clic-chain");
  const other = unique("clic-chain2");
  const ids: string[] = [];

  test("chains add: a table and --json, which GET /chains then lists", async () => {
    const added = await okJson<Chain>([
      "chains",
      "add",
      "--slug",
      slug,
      "--chain-id",
      "31337",
      "--name",
      "clic",
    ]);
    expect(added).toMatchObject({ slug, chainId: 31337, name: "clic" });
    const { chains } = await admin<{ chains: Chain[] }>("/chains");
    // POST /chains answers the chain without the defaults it did not set (maxResponseBytes): GET
    // lists it with them.
    expect(chains.find((c) => c.slug === slug)).toMatchObject(added);

    const table = parseTable(
      await ok([
        "chains",
        "add",
        "--slug",
        other,
        "--chain-id",
        "31337",
        "--name",
        "clic2",
        "--max-lag-blocks",
        "9",
      ]),
    );
    expect(table.header).toEqual(CHAIN_HEADER);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.[0]).toBe(other);
    expect(table.rows[0]?.slice(2, 4)).toEqual(["31337", "clic2"]);
    expect(table.rows[0]?.at(-1)).toBe("9");
  });

  test("chains list: a table and --json as GET /chains answers", async () => {
    const table = parseTable(await ok(["chains", "list"]));
    expect(table.header).toEqual(CHAIN_HEADER);
    expect(table.rows.find((r) => r[0] === slug)?.slice(2, 4)).toEqual(["31337", "clic"]);
    expect(table.rows.map((r) => r[0])).toContain(seededChain);
    const json = await okJson<{ chains: Chain[] }>(["chains", "list"]);
    const api = await admin<{ chains: Chain[] }>("/chains");
    expect(Object.keys(json)).toEqual(["chains"]);
    // Other files may add chains meanwhile: this file's chains are compared whole.
    for (const s of [slug, other, seededChain])
      expect(json.chains.find((c) => c.slug === s)).toEqual(api.chains.find((c) => c.slug === s));
  });

  test("chains update: a table and --json, which GET /chains then agrees with", async () => {
    const table = parseTable(await ok(["chains", "update", slug, "--max-lag-blocks", "7"]));
    expect(table.header).toEqual(CHAIN_HEADER);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.[0]).toBe(slug);
    expect(table.rows[0]?.at(-1)).toBe("7");
    const json = await okJson<Chain>(["chains", "update", slug, "--block-time-ms", "1500"]);
    expect(json).toMatchObject({ slug, blockTimeMs: 1500, maxLagBlocks: 7 });
    const { chains } = await admin<{ chains: Chain[] }>("/chains");
    expect(chains.find((c) => c.slug === slug)).toEqual(json);
  });

  test("upstreams add: a table and --json, which GET then reads", async () => {
    const table = parseTable(
      await ok([
        "upstreams",
        "add",
        "--chain",
        slug,
        "--name",
        "node-a",
        "--upstream-url",
        anvilUrl,
        "--capabilities",
        "ws",
      ]),
    );
    expect(table.header).toEqual(UPSTREAM_HEADER);
    expect(table.rows).toHaveLength(1);
    const [id = "", name, enabled, capabilities] = table.rows[0] ?? [];
    expect([name, enabled, capabilities]).toEqual(["node-a", "true", "ws"]);
    ids.push(id);
    const json = await okJson<Upstream>([
      "upstreams",
      "add",
      "--chain",
      slug,
      "--name",
      "node-b",
      "--upstream-url",
      anvilUrl,
      "--oldest-block",
      "3",
    ]);
    expect(json).toMatchObject({ name: "node-b", enabled: true, oldestBlock: 3 });
    ids.push(json.id);
    // POST answers the `public` flag, which GET never answers (as with its URL); GET answers
    // disabledReason too.
    const { public: isPublic, ...readable } = json as Upstream & { public: boolean };
    expect(isPublic).toBe(false);
    expect(await admin(`/chains/${slug}/upstreams/${json.id}`)).toMatchObject(readable);
  });

  test("upstreams list: a table and --json as GET /chains/{chain}/upstreams answers", async () => {
    const table = parseTable(await ok(["upstreams", "list", "--chain", slug]));
    expect(table.header).toEqual(UPSTREAM_HEADER);
    expect(table.rows.map((r) => [r[0], r[1]])).toEqual([
      [ids[0], "node-a"],
      [ids[1], "node-b"],
    ]);
    expect(await okJson(["upstreams", "list", "--chain", slug])).toEqual(
      await admin(`/chains/${slug}/upstreams`),
    );
  });

  test("chains health: its fields and table, and --json as GET /chains/{chain}/health answers", async () => {
    const out = await ok(["chains", "health", slug]);
    const [head = "", upstreamTable = ""] = out.split("\n\n");
    expect(parseFields(head)).toMatchObject({ chain: slug, "chain-id": "31337", "max-lag-blocks": "7" });
    expect(Object.keys(parseFields(head))).toEqual([
      "chain",
      "chain-id",
      "enabled",
      "head",
      "max-lag-blocks",
    ]);
    const table = parseTable(upstreamTable);
    expect(table.header).toEqual(["id", "state", "score", "head", "lag", "ewma", "error-rate", "circuit"]);
    expect(table.rows.map((r) => r[0]).sort()).toEqual([...ids].sort());

    type Health = {
      chain: string;
      chainId: number;
      enabled: boolean;
      maxLagBlocks: number;
      upstreams: Upstream[];
    };
    const json = await okJson<Health>(["chains", "health", slug]);
    const api = await admin<Health>(`/chains/${slug}/health`);
    // Heads, latencies and scores move between two probes: the rest is compared.
    const stable = (h: Health) => ({
      chain: h.chain,
      chainId: h.chainId,
      enabled: h.enabled,
      maxLagBlocks: h.maxLagBlocks,
      upstreams: h.upstreams.map((u) => ({ id: u.id, capabilities: u.capabilities })),
      keys: Object.keys(h),
    });
    expect(stable(json)).toEqual(stable(api));
    expect(json.chain).toBe(slug);
  });

  test("upstreams update: a table and --json, which GET then reads", async () => {
    const [a = "", b = ""] = ids;
    const table = parseTable(await ok(["upstreams", "update", "--chain", slug, a, "--name", "node-a2"]));
    expect(table.header).toEqual(UPSTREAM_HEADER);
    expect(table.rows[0]?.slice(0, 2)).toEqual([a, "node-a2"]);
    const json = await okJson<Upstream>([
      "upstreams",
      "update",
      "--chain",
      slug,
      b,
      "--capabilities",
      "archive",
    ]);
    expect(json).toMatchObject({ id: b, name: "node-b", capabilities: ["archive"] });
    expect(await admin(`/chains/${slug}/upstreams/${b}`)).toEqual(json);
  });

  test("upstreams disable: a table and --json, which GET then reads", async () => {
    const [a = "", b = ""] = ids;
    const table = parseTable(await ok(["upstreams", "disable", "--chain", slug, a]));
    expect(table.header).toEqual(UPSTREAM_HEADER);
    expect(table.rows[0]?.slice(0, 3)).toEqual([a, "node-a2", "false"]);
    const json = await okJson<Upstream>(["upstreams", "disable", "--chain", slug, b]);
    expect(json).toMatchObject({ id: b, enabled: false });
    expect(await admin(`/chains/${slug}/upstreams/${b}`)).toEqual(json);
  });

  test("upstreams remove: a note, and nothing with --json (a 204); GET then answers 404", async () => {
    const [a = "", b = ""] = ids;
    expect(await ok(["upstreams", "remove", "--chain", slug, a])).toBe("removed\n");
    // The API answers 204 without a body: --json prints nothing, and exits 0.
    expect(await ok(["upstreams", "remove", "--chain", slug, b, "--json"])).toBe("");
    for (const id of [a, b]) expect((await adminFetch(`/chains/${slug}/upstreams/${id}`)).status).toBe(404);
    expect(await admin(`/chains/${slug}/upstreams`)).toEqual({ upstreams: [] });
  });
});

interface Plan {
  id: string;
  name: string;
  cuPerSecond: number;
  monthlyCu: number;
}
interface Tenant {
  id: string;
  name: string;
  planId: string;
  status: string;
}
interface Key {
  id: string;
  name: string;
  revokedAt: number | null;
  allowedMethods: string[] | null;
  allowedChains: string[] | null;
}

describe("plans, tenants, keys and usage", () => {
  const planName = unique("clic-plan");
  let planId = "";
  let tenantId = "";
  const tenantName = unique("clic-tenant");
  let otherTenantId = "";

  test("plans add: a table and --json, which GET /plans/{id} then reads", async () => {
    const json = await okJson<Plan>(["plans", "add", "--name", planName, "--monthly-cu", "5000000"]);
    expect(json).toMatchObject({ name: planName, monthlyCu: 5_000_000 });
    planId = json.id;
    expect(await admin(`/plans/${planId}`)).toEqual(json);
    const table = parseTable(await ok(["plans", "add", "--name", unique("clic-plan2"), "--max-batch", "5"]));
    expect(table.header).toEqual(PLAN_HEADER);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.[1]).toBe(unique("clic-plan2"));
    expect(table.rows[0]?.[5]).toBe("5");
  });

  test("plans list: a table and --json as GET /plans answers", async () => {
    const table = parseTable(await ok(["plans", "list"]));
    expect(table.header).toEqual(PLAN_HEADER);
    expect(table.rows.find((r) => r[0] === planId)?.[1]).toBe(planName);
    const json = await okJson<{ plans: Plan[] }>(["plans", "list"]);
    const api = await admin<{ plans: Plan[] }>("/plans");
    expect(Object.keys(json)).toEqual(["plans"]);
    expect(json.plans.find((p) => p.id === planId)).toEqual(api.plans.find((p) => p.id === planId));
  });

  test("plans update: a table and --json, which GET /plans/{id} then reads", async () => {
    const table = parseTable(await ok(["plans", "update", planId, "--cu-per-second", "333"]));
    expect(table.header).toEqual(PLAN_HEADER);
    expect(table.rows[0]?.slice(0, 3)).toEqual([planId, planName, "333"]);
    const json = await okJson<Plan>(["plans", "update", planId, "--burst-cu", "4444"]);
    expect(json).toMatchObject({ id: planId, cuPerSecond: 333, burstCu: 4444 });
    expect(await admin(`/plans/${planId}`)).toEqual(json);
  });

  test("tenants add: a table and --json, which GET /tenants/{id} then reads", async () => {
    const table = parseTable(await ok(["tenants", "add", "--name", tenantName, "--plan-id", planId]));
    expect(table.header).toEqual(TENANT_HEADER);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.slice(1, 4)).toEqual([tenantName, planId, "active"]);
    tenantId = table.rows[0]?.[0] ?? "";
    const json = await okJson<Tenant>([
      "tenants",
      "add",
      "--name",
      unique("clic-tenant2"),
      "--plan-id",
      planId,
    ]);
    expect(json).toMatchObject({ name: unique("clic-tenant2"), planId, status: "active" });
    expect(await admin(`/tenants/${json.id}`)).toEqual(json);
    otherTenantId = json.id;
  });

  test("tenants list: a table and --json as GET /tenants answers", async () => {
    const table = parseTable(await ok(["tenants", "list"]));
    expect(table.header).toEqual(TENANT_HEADER);
    expect(table.rows.find((r) => r[0] === tenantId)?.slice(1, 4)).toEqual([tenantName, planId, "active"]);
    const json = await okJson<{ tenants: Tenant[] }>(["tenants", "list"]);
    const api = await admin<{ tenants: Tenant[] }>("/tenants");
    expect(Object.keys(json)).toEqual(["tenants"]);
    expect(json.tenants.find((t) => t.id === tenantId)).toEqual(api.tenants.find((t) => t.id === tenantId));
  });

  test("tenants update: a table and --json, which GET /tenants/{id} then reads", async () => {
    const renamed = unique("clic-tenant-renamed");
    const table = parseTable(await ok(["tenants", "update", tenantId, "--name", renamed]));
    expect(table.header).toEqual(TENANT_HEADER);
    expect(table.rows[0]?.slice(0, 4)).toEqual([tenantId, renamed, planId, "active"]);
    // The other tenant is suspended: this one's keys serve calls below.
    const suspended = await okJson<Tenant>(["tenants", "update", otherTenantId, "--status", "suspended"]);
    expect(suspended).toMatchObject({ id: otherTenantId, name: unique("clic-tenant2"), status: "suspended" });
    expect(await admin(`/tenants/${otherTenantId}`)).toEqual(suspended);
  });

  let keyId = "";
  let key = "";

  test("keys create: a table with the key once, and --json with key and secret", async () => {
    const out = await ok(["keys", "create", "--tenant", tenantId, "--name", "table-key"]);
    const [keyTable = "", secretFields = ""] = out.split("\n\n");
    const table = parseTable(keyTable);
    expect(table.header).toEqual(KEY_HEADER);
    expect(table.rows[0]?.[1]).toBe("table-key");
    expect(Object.keys(parseFields(secretFields))).toEqual(["key", "secret"]);
    const json = await okJson<Key & { key: string; secret: string }>([
      "keys",
      "create",
      "--tenant",
      tenantId,
      "--name",
      "json-key",
    ]);
    expect(json).toMatchObject({ name: "json-key", revokedAt: null, key: expect.any(String) });
    expect(json.secret).toEqual(expect.any(String));
    keyId = json.id;
    key = json.key;
    const { keys } = await admin<{ keys: (Key & { prefix: string })[] }>(`/tenants/${tenantId}/keys`);
    expect(keys.find((k) => k.id === keyId)).toMatchObject({
      name: "json-key",
      prefix: (json as unknown as { prefix: string }).prefix,
      revokedAt: null,
    });
  });

  test("keys list: a table and --json as GET /tenants/{tenant}/keys answers", async () => {
    const table = parseTable(await ok(["keys", "list", "--tenant", tenantId]));
    expect(table.header).toEqual(KEY_HEADER);
    expect(table.rows.map((r) => r[1])).toEqual(["table-key", "json-key"]);
    expect(table.rows.find((r) => r[0] === keyId)?.[1]).toBe("json-key");
    expect(await okJson(["keys", "list", "--tenant", tenantId])).toEqual(
      await admin(`/tenants/${tenantId}/keys`),
    );
  });

  test("keys restrict: a table of the allowlists and --json, which the key list then agrees with", async () => {
    const table = parseTable(
      await ok(["keys", "restrict", keyId, "--methods", "eth_chainId,eth_blockNumber"]),
    );
    expect(table.header).toEqual([
      "id",
      "allowed-origins",
      "allowed-ips",
      "allowed-methods",
      "allowed-contracts",
      "allowed-chains",
    ]);
    expect(table.rows[0]).toEqual([keyId, "-", "-", "eth_chainId,eth_blockNumber", "-", "-"]);
    const json = await okJson<Key>(["keys", "restrict", keyId, "--chains", seededChain]);
    expect(json).toMatchObject({
      id: keyId,
      allowedMethods: ["eth_chainId", "eth_blockNumber"],
      allowedChains: [seededChain],
    });
    const { keys } = await admin<{ keys: Key[] }>(`/tenants/${tenantId}/keys`);
    expect(keys.find((k) => k.id === keyId)).toMatchObject({
      allowedMethods: json.allowedMethods,
      allowedChains: json.allowedChains,
    });
  });

  test("usage: its fields and table after a call, and --json as GET /tenants/{tenant}/usage answers", async () => {
    const res = await fetch(`${gatewayUrl}/v1/${seededChain}/${key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}',
    });
    expect(res.status).toBe(200);
    await res.text();
    type Usage = { totals: { requests: number }; rows: { keyId: string; chain: string }[] };
    // The call is metered within a second or so.
    await expect
      .poll(async () => (await admin<Usage>(`/tenants/${tenantId}/usage`)).totals.requests, {
        timeout: 15_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(1);

    const out = await ok(["usage", "--tenant", tenantId]);
    const [head = "", rowsTable = ""] = out.split("\n\n");
    // The period's CU and the month's are told apart.
    expect(fieldLabels(head)).toEqual(["from", "to", "requests", "cu", "errors", "month-cu", "monthly-cu"]);
    expect(parseFields(head).requests).toBe("1");
    const table = parseTable(rowsTable);
    expect(table.header).toEqual(["day", "key-id", "chain", "family", "requests", "cu", "errors"]);
    expect(table.rows.find((r) => r[1] === keyId)?.slice(2, 3)).toEqual([seededChain]);

    const json = await okJson<Usage>(["usage", "--tenant", tenantId]);
    expect(json).toEqual(await admin(`/tenants/${tenantId}/usage`));
    expect(json.rows.find((r) => r.keyId === keyId)?.chain).toBe(seededChain);
  });

  test("keys revoke: a table and --json, which the key list then agrees with", async () => {
    const { keys } = await admin<{ keys: Key[] }>(`/tenants/${tenantId}/keys`);
    const tableKey = keys.find((k) => k.name === "table-key")?.id ?? "";
    const table = parseTable(await ok(["keys", "revoke", tableKey]));
    expect(table.header).toEqual(KEY_HEADER);
    expect(table.rows[0]?.[0]).toBe(tableKey);
    expect(table.rows[0]?.[5]).toMatch(/^\d{4}-\d\d-\d\dT/);
    const json = await okJson<Key>(["keys", "revoke", keyId]);
    expect(json).toMatchObject({ id: keyId, revokedAt: expect.any(Number) });
    const after = await admin<{ keys: Key[] }>(`/tenants/${tenantId}/keys`);
    expect(after.keys.find((k) => k.id === keyId)?.revokedAt).toBe(json.revokedAt);
  });
});

describe("jobs, audit and compliance", () => {
  test("jobs: a table of the schedule and --json as GET /jobs answers", async () => {
    type Jobs = { jobs: { job: string; cron: string }[] };
    const api = await admin<Jobs>("/jobs");
    const table = parseTable(await ok(["jobs"]));
    expect(table.header).toEqual(["job", "cron", "status", "started-at", "ended-at", "error"]);
    expect(table.rows.map((r) => r[0])).toEqual(api.jobs.map((j) => j.job));
    const json = await okJson<Jobs>(["jobs"]);
    // A job may run between the two reads: its schedule is compared, and the fields it answers.
    const schedule = (jobs: Jobs["jobs"]) => jobs.map(({ job, cron }) => ({ job, cron }));
    expect(schedule(json.jobs)).toEqual(schedule(api.jobs));
    expect(Object.keys(json)).toEqual(Object.keys(api));
  });

  test("audit verify: its fields and table, and --json as GET /audit/verify answers", async () => {
    type Verify = { verified: boolean; chains: { chain: string; verified: boolean }[] };
    const out = await ok(["audit", "verify"]);
    const [head = "", chainTable = ""] = out.split("\n\n");
    expect(Object.keys(parseFields(head))).toEqual(["verified", "strays"]);
    const table = parseTable(chainTable);
    expect(table.header).toEqual([
      "chain",
      "verified",
      "rows",
      "checkpoint-seq",
      "anchored-seq",
      "seq",
      "reason",
    ]);
    const api = await admin<Verify>("/audit/verify");
    expect(table.rows.map((r) => r[0])).toEqual(api.chains.map((c) => c.chain));
    expect(parseFields(head).verified).toBe(String(api.verified));

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const json = await okJson<Verify>(["audit", "verify", "--from", from]);
    const since = await admin<Verify>(`/audit/verify?from=${encodeURIComponent(from)}`);
    // Other files write audit rows meanwhile: the counts may grow, the chains and verdicts not.
    const verdicts = (v: Verify) => ({
      verified: v.verified,
      chains: v.chains.map((c) => ({ chain: c.chain, verified: c.verified })),
    });
    expect(verdicts(json)).toEqual(verdicts(since));
  });

  test("compliance report: its fields, and --json as GET /compliance/report answers", async () => {
    const out = await ok(["compliance", "report"]);
    const fields = parseFields(out);
    expect(Object.keys(fields)).toEqual([
      "from",
      "to",
      "sanctions version",
      "held set",
      "snapshots",
      "refused transactions",
      "flagged transactions",
      "admin actions",
      "audit verified",
    ]);
    // This file's own admin actions fall in the last 30 days.
    expect(Number(fields["admin actions"])).toBeGreaterThan(0);
    expect(fields["sanctions version"]).toMatch(/^\d+$/);

    // A period in the past: nothing in it changes while other files run, but the audit walk.
    const period = "from=2020-01-01T00:00:00.000Z&to=2020-01-02T00:00:00.000Z";
    const args = [
      "compliance",
      "report",
      "--from",
      "2020-01-01T00:00:00.000Z",
      "--to",
      "2020-01-02T00:00:00.000Z",
    ];
    type Report = { period: unknown; auditChain: { verified: boolean }; adminActions: unknown[] };
    const json = await okJson<Report>(args);
    const api = await admin<Report>(`/compliance/report?${period}`);
    const { auditChain, ...rest } = json;
    const { auditChain: apiChain, ...apiRest } = api;
    expect(rest).toEqual(apiRest);
    expect(auditChain.verified).toBe(apiChain.verified);
    expect(json.period).toEqual({ from: "2020-01-01T00:00:00.000Z", to: "2020-01-02T00:00:00.000Z" });
    expect(json.adminActions).toEqual([]);
  });
});

describe("sanctions", () => {
  test("sanctions pending: its fields (or that none is held) and --json as the API answers", async () => {
    type Pending = { pending: { id: string } | null };
    const api = await admin<Pending>("/sanctions/pending");
    const out = await ok(["sanctions", "pending"]);
    if (api.pending === null) expect(out).toBe("no sanctions set is held\n");
    else {
      const fields = parseFields(out);
      expect(Object.keys(fields)).toEqual([
        "id",
        "status",
        "at",
        "size",
        "added",
        "removed",
        "share",
        "base-version",
      ]);
      expect(fields.id).toBe(api.pending.id);
    }
    expect(await okJson(["sanctions", "pending"])).toEqual(await admin("/sanctions/pending"));
  });

  // The test gateway's oracle never shrinks its set, so no set is held: an id that was never held is
  // refused with the API's 404 message and exit code 1, with or without --json.
  for (const verb of ["approve", "reject"] as const) {
    test(`sanctions ${verb} of a set never held prints the API's 404 message, exit code 1`, async () => {
      const id = unique(`clic-held-${verb}`);
      const res = await adminFetch(`/sanctions/pending/${id}/${verb}`, { method: "POST" });
      expect(res.status).toBe(404);
      const { error } = (await res.json()) as { error: { message: string } };
      expect(error.message).toBe(`no held sanctions set ${id}: see GET /admin/v1/sanctions/pending`);
      for (const json of [false, true]) {
        const args = ["sanctions", verb, id, ...(json ? ["--json"] : [])];
        const run = { ...(await rpcgw(args)), args };
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
        expect(run.stderr).toBe(`error: ${error.message}\n`);
        record(run.args);
      }
    });
  }
});

test("every command but token and apply was run here as a table and with --json", () => {
  const missing = COMMANDS.filter((c) => !COVERED_ELSEWHERE.has(c.cmd))
    .map((c) => ({ cmd: c.cmd, ...(ran.get(c.cmd) ?? { table: false, json: false }) }))
    .filter((c) => !c.table || !c.json);
  expect(missing).toEqual([]);
});

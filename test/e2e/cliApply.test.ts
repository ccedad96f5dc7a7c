// `rpcgw apply FILE` as an operator runs it against the running gateway: a file made true once, a
// second run that changes nothing, --dry-run that sends nothing but GETs, one PATCH for one changed
// field, and bad files refused (exit 2) before anything changes. Names are unique per run: other
// files share the gateway.
import { afterAll, describe, expect, inject, test } from "vitest";
import { admin, rpcgw } from "./cliHelpers";
import { cliFiles } from "./cliRun.mjs";

const anvilUrl = inject("anvilUrl");
const suffix = crypto.randomUUID().slice(0, 8);
const files = cliFiles("rpcgw-apply-");
afterAll(() => files.remove());

/** Writes `text` to a new file in the test's temporary folder; its path. */
async function file(name: string, text: string): Promise<string> {
  return files.write(name, text);
}

interface AuditRow {
  seq: number;
  action: string;
  target: string;
}

/** The newest row of the admin audit chain: what is written after it is new. */
async function auditMark(): Promise<number> {
  const { rows } = await admin<{ rows: AuditRow[] }>("/audit?limit=1");
  return rows[0]?.seq ?? 0;
}

/** The audit rows about these targets written after `mark`, newest first. */
async function auditSince(mark: number, targets: Set<string>): Promise<AuditRow[]> {
  const { rows } = await admin<{ rows: AuditRow[] }>("/audit?limit=200");
  return rows.filter((r) => r.seq > mark && targets.has(r.target));
}

describe("a file applied twice", () => {
  const plan = `apply-plan-${suffix}`;
  const chain = `apply-${suffix}`;
  const tenant = `apply-tenant-${suffix}`;
  const yaml = (budgetMs: number) => `
plans:
  - name: ${plan}
    cuPerSecond: 300
chains:
  - slug: ${chain}
    chainId: 31337
    name: Apply test
    budgetMs: ${budgetMs}
    upstreams:
      - name: anvil
        url: \${NODE_URL}
        capabilities: [ws]
tenants:
  - name: ${tenant}
    plan: ${plan}
`;
  const env = { NODE_URL: anvilUrl };
  const targets = new Set<string>([chain]);

  /** Our plan, chain, upstream and tenant as the API answers them; their ids join `targets`. */
  async function state() {
    const plans = (await admin<{ plans: { id: string; name: string; cuPerSecond: number }[] }>("/plans"))
      .plans;
    const chains = (await admin<{ chains: { slug: string; budgetMs: number }[] }>("/chains")).chains;
    const tenants = (await admin<{ tenants: { id: string; name: string; planId: string }[] }>("/tenants"))
      .tenants;
    const p = plans.find((x) => x.name === plan);
    const c = chains.find((x) => x.slug === chain);
    const t = tenants.find((x) => x.name === tenant);
    const upstreams = c
      ? (await admin<{ upstreams: { id: string; name: string }[] }>(`/chains/${chain}/upstreams`)).upstreams
      : [];
    for (const id of [p?.id, t?.id, ...upstreams.map((u) => u.id)]) if (id) targets.add(id);
    return { plan: p, chain: c, tenant: t, upstreams };
  }

  test("the first run creates every entry, one line each, and the tenant is on the file's plan", async () => {
    const path = await file("first.yaml", yaml(2000));
    const run = await rpcgw(["apply", path], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      `+ plan ${plan}`,
      `+ chain ${chain}`,
      `+ upstream ${chain}/anvil`,
      `+ tenant ${tenant}`,
      "4 created, 0 updated, 0 unchanged",
    ]);
    expect(run.stdout).not.toContain(anvilUrl);
    const now = await state();
    expect(now.plan?.cuPerSecond).toBe(300);
    expect(now.chain?.budgetMs).toBe(2000);
    expect(now.upstreams.map((u) => u.name)).toEqual(["anvil"]);
    expect(now.tenant?.planId).toBe(now.plan?.id);
  });

  test("the second run prints nothing to change and sends no POST or PATCH", async () => {
    await state();
    const mark = await auditMark();
    const path = await file("again.yaml", yaml(2000));
    const run = await rpcgw(["apply", path], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("nothing to change\n");
    const json = await rpcgw(["apply", path, "--json"], env);
    expect(JSON.parse(json.stdout)).toEqual({
      created: [],
      updated: [],
      unchanged: [`plan ${plan}`, `chain ${chain}`, `upstream ${chain}/anvil`, `tenant ${tenant}`],
    });
    expect(await auditSince(mark, targets)).toEqual([]);
  });

  test("--dry-run prints the changes it would make, lists what the file leaves out, and sends nothing", async () => {
    await state();
    const mark = await auditMark();
    const extra = `apply-extra-${suffix}`;
    const path = await file(
      "dry.yaml",
      `${yaml(3000)}\n`.replace("plans:\n", `plans:\n  - name: ${extra}\n`),
    );
    const run = await rpcgw(["apply", path, "--dry-run"], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("dry run: these changes would be made, none was sent");
    expect(lines).toContain(`+ plan ${extra}`);
    expect(lines).toContain(`~ chain ${chain}: budgetMs 2000 -> 3000`);
    expect(lines).toContain("? tenant demo: not in the file, left alone");
    expect(lines.at(-1)).toBe("would be 1 created, 1 updated, 3 unchanged (dry run)");
    const now = await state();
    expect(now.chain?.budgetMs).toBe(2000);
    const plans = (await admin<{ plans: { name: string }[] }>("/plans")).plans;
    expect(plans.map((p) => p.name)).not.toContain(extra);
    expect(await auditSince(mark, targets)).toEqual([]);
  });

  test("a changed field is one PATCH of that field", async () => {
    await state();
    const mark = await auditMark();
    const path = await file("changed.yaml", yaml(3000));
    const run = await rpcgw(["apply", path], env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      `~ chain ${chain}: budgetMs 2000 -> 3000`,
      "0 created, 1 updated, 3 unchanged",
    ]);
    expect((await state()).chain?.budgetMs).toBe(3000);
    const after = await auditSince(mark, targets);
    expect(after).toEqual([expect.objectContaining({ action: "chain.update", target: chain })]);
  });

  test("--update-urls sends the URL of an upstream that exists, as one PATCH", async () => {
    await state();
    const mark = await auditMark();
    const path = await file("urls.yaml", yaml(3000));
    const run = await rpcgw(["apply", path, "--update-urls"], env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      `~ upstream ${chain}/anvil: url (not readable: sent)`,
      "0 created, 1 updated, 3 unchanged",
    ]);
    expect(run.stdout).not.toContain(anvilUrl);
    const after = await auditSince(mark, targets);
    expect(after).toEqual([expect.objectContaining({ action: "upstream.update" })]);
    // The PATCH carries the capabilities too: without them the API would clear them.
    const { upstreams } = await admin<{ upstreams: { capabilities: string[] }[] }>(
      `/chains/${chain}/upstreams`,
    );
    expect(upstreams.map((u) => u.capabilities)).toEqual([["ws"]]);
  });
});

describe("files refused before any change", () => {
  test("an unknown field and a wrong type exit 2 naming each field, and nothing is created", async () => {
    const plan = `apply-bad-${suffix}`;
    const path = await file(
      "bad.yaml",
      `plans:\n  - name: ${plan}\n    cuPerSeconds: 10\nchains:\n  - slug: bad-${suffix}\n    chainId: 1\n    name: Bad\n    budgetMs: fast\n`,
    );
    const run = await rpcgw(["apply", path]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("error: invalid file:");
    expect(run.stderr).toContain("plans[0].cuPerSeconds: unknown field");
    expect(run.stderr).toContain("chains[0].budgetMs: must be integer");
    const plans = (await admin<{ plans: { name: string }[] }>("/plans")).plans;
    expect(plans.map((p) => p.name)).not.toContain(plan);
  });

  test("a JSON file with a tenant on a plan that exists nowhere exits 2", async () => {
    const path = await file(
      "tenant.json",
      JSON.stringify({ tenants: [{ name: `apply-t-${suffix}`, plan: `no-such-${suffix}` }] }),
    );
    const run = await rpcgw(["apply", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `tenants[0].plan: no plan 'no-such-${suffix}' in the file or on the gateway`,
    );
  });

  test("a placeholder whose variable is not set exits 2 naming it", async () => {
    const path = await file("var.yaml", `plans:\n  - name: \${APPLY_TEST_UNSET_${suffix.toUpperCase()}}\n`);
    const run = await rpcgw(["apply", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `plans[0].name: environment variable APPLY_TEST_UNSET_${suffix.toUpperCase()} is not set`,
    );
  });
});

test("a refusal midway exits 1 and prints what was already changed", async () => {
  const plan = `apply-mid-${suffix}`;
  const chain = `apply-mid-${suffix}`;
  // An IP literal other than loopback: the egress guard refuses it; nothing is sent to it.
  const path = await file(
    "midway.yaml",
    `plans:\n  - name: ${plan}\nchains:\n  - slug: ${chain}\n    chainId: 31337\n    name: Midway\n    upstreams:\n      - name: private\n        url: http://10.0.0.1:8545\n`,
  );
  const run = await rpcgw(["apply", path]);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe(`applied before the error:\n+ plan ${plan}\n+ chain ${chain}\n`);
  expect(run.stderr).toMatch(
    new RegExp(`^error: upstream ${chain}/private: invalid body: see data\\.fields\n {2}url: `),
  );
});

test("examples/mainnet.yaml validates in a dry run, without printing its URLs or creating anything", async () => {
  const env = { PROVIDER_A_KEY: `key-a-${suffix}`, PROVIDER_B_KEY: `key-b-${suffix}` };
  const run = await rpcgw(["apply", "examples/mainnet.yaml", "--dry-run", "--json"], env);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const json = JSON.parse(run.stdout);
  expect(json.created).toEqual(
    expect.arrayContaining([
      "plan starter",
      "plan growth",
      "chain ethereum",
      "upstream ethereum/provider-a",
      "chain base",
      "chain arbitrum",
      "chain optimism",
      "chain polygon",
      "tenant acme",
    ]),
  );
  expect(json.dryRun).toBe(true);
  expect(run.stdout).not.toContain(env.PROVIDER_A_KEY);
  const chains = (await admin<{ chains: { slug: string }[] }>("/chains")).chains;
  expect(chains.map((c) => c.slug)).not.toContain("ethereum");
  const missing = await rpcgw(["apply", "examples/mainnet.yaml", "--dry-run"], { PROVIDER_A_KEY: "x" });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("environment variable PROVIDER_B_KEY is not set");
});

test("apply --help says it never deletes and how upstream URLs are treated", async () => {
  const run = await rpcgw(["apply", "--help"]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Nothing is ever deleted");
  expect(run.stdout).toContain("--update-urls");
});

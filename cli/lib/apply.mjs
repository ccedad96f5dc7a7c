// `rpcgw apply`: makes a file of plans, chains (with their upstreams) and tenants true against the
// gateway. Entries are matched by natural key (plan name, chain slug, upstream name in its chain,
// tenant name): missing ones are created, differing fields PATCHed, nothing is ever deleted.

import { bodySchemas, validateConfig } from "./applySchema.mjs";
import { UsageError } from "./args.mjs";

/**
 * Upstream fields the API never answers (the URL is sealed): sent when the upstream is created, and
 * for an existing one only with `updateUrls`, so a second run changes nothing.
 */
export const WRITE_ONLY = ["url", "public"];

/** The API refused a change after others were made: `applied` lists those. */
export class ApplyIncomplete extends Error {
  /** @param {any} cause @param {string[]} applied @param {string} label the change refused */
  constructor(cause, applied, label) {
    super(`${label}: ${cause?.message ?? String(cause)}`, { cause });
    this.applied = applied;
    this.fields = cause?.fields;
    this.exitCode = typeof cause?.exitCode === "number" ? cause.exitCode : 1;
  }
}

/**
 * @typedef {{ kind: "plan" | "chain" | "upstream" | "tenant", label: string,
 *   action: "create" | "update" | "unchanged", changes?: Record<string, { from: unknown, to: unknown }>,
 *   run?: (ids: Map<string, string>) => Promise<void> }} Step
 * @typedef {{ created: string[], updated: { target: string, changes: Record<string, { from: unknown, to: unknown }> }[],
 *   unchanged: string[], notInFile: string[], dryRun: boolean, lines: string[] }} ApplyResult
 */

/**
 * Validates `config` against the API's body schemas, compares it with the gateway and, unless
 * `dryRun`, sends the POSTs and PATCHes (only GETs otherwise).
 * @param {{ plans?: object[], chains?: object[], tenants?: object[] }} config placeholders already filled
 * @param {{ api: (method: string, path: string, body?: unknown) => Promise<any>, dryRun?: boolean,
 *   updateUrls?: boolean }} options
 * @returns {Promise<ApplyResult>}
 */
export async function apply(config, { api, dryRun = false, updateUrls = false }) {
  const schemas = bodySchemas(await api("GET", "/openapi.json"));
  validateConfig(config, schemas);
  const steps = await planSteps(config, { api, schemas, updateUrls });
  const result = summarise(steps, dryRun);
  if (dryRun) return result;
  const ids = new Map();
  const applied = [];
  for (const step of steps) {
    if (!step.run) continue;
    try {
      await step.run(ids);
    } catch (err) {
      throw new ApplyIncomplete(err, applied, step.label);
    }
    applied.push(lineOf(step));
  }
  return result;
}

async function planSteps(config, { api, schemas, updateUrls }) {
  const [{ plans }, { tenants }, { chains }] = await Promise.all([
    api("GET", "/plans"),
    api("GET", "/tenants"),
    api("GET", "/chains"),
  ]);
  const steps = [];
  const planIds = new Map(plans.map((p) => [p.name, p.id]));
  const planNames = new Map(plans.map((p) => [p.id, p.name]));
  const filePlans = config.plans ?? [];
  const fileChains = config.chains ?? [];
  const fileTenants = config.tenants ?? [];

  for (const plan of filePlans) {
    const found = plans.find((p) => p.name === plan.name);
    steps.push(
      resource({
        kind: "plan",
        label: `plan ${plan.name}`,
        want: plan,
        have: found,
        patchable: schemas.updatePlan.fields,
        create: async () => {
          const made = await api("POST", "/plans", plan);
          planIds.set(plan.name, made.id);
        },
        update: (body) => api("PATCH", `/plans/${enc(found.id)}`, body),
      }),
    );
  }

  for (const { upstreams = [], ...chain } of fileChains) {
    const found = chains.find((c) => c.slug === chain.slug);
    const slug = enc(chain.slug);
    steps.push(
      resource({
        kind: "chain",
        label: `chain ${chain.slug}`,
        want: chain,
        have: found,
        key: "slug",
        patchable: schemas.updateChain.fields,
        create: () => api("POST", "/chains", chain),
        update: (body) => api("PATCH", `/chains/${slug}`, body),
      }),
    );
    const existing = found ? (await api("GET", `/chains/${slug}/upstreams`)).upstreams : [];
    for (const upstream of upstreams) {
      const have = existing.find((u) => u.name === upstream.name);
      const writeOnly = updateUrls && have ? WRITE_ONLY.filter((f) => upstream[f] !== undefined) : [];
      steps.push(
        resource({
          kind: "upstream",
          label: `upstream ${chain.slug}/${upstream.name}`,
          want: upstream,
          have,
          patchable: schemas.updateUpstream.fields,
          skip: WRITE_ONLY,
          force: writeOnly,
          create: () => api("POST", `/chains/${slug}/upstreams`, upstream),
          update: (body) => api("PATCH", `/chains/${slug}/upstreams/${enc(have.id)}`, body),
        }),
      );
    }
  }

  const fileNames = new Set(filePlans.map((p) => p.name));
  for (const [i, tenant] of fileTenants.entries()) {
    if (!fileNames.has(tenant.plan) && !planIds.has(tenant.plan))
      throw new UsageError(
        `invalid file:\n  tenants[${i}].plan: no plan '${tenant.plan}' in the file or on the gateway`,
      );
  }
  for (const tenant of fileTenants) {
    const found = tenants.find((t) => t.name === tenant.name);
    const { plan, ...rest } = tenant;
    // The plan is compared by name: a plan the file creates has no id yet.
    const have = found && { ...found, plan: planNames.get(found.planId) ?? found.planId };
    steps.push(
      resource({
        kind: "tenant",
        label: `tenant ${tenant.name}`,
        want: tenant,
        have,
        patchable: [...schemas.updateTenant.fields, "plan"],
        create: async () => {
          const made = await api("POST", "/tenants", { name: tenant.name, planId: planIds.get(plan) });
          if (rest.status !== undefined && rest.status !== made.status)
            await api("PATCH", `/tenants/${enc(made.id)}`, { status: rest.status });
        },
        update: ({ plan: changed, ...body }) =>
          api("PATCH", `/tenants/${enc(found.id)}`, {
            ...body,
            ...(changed === undefined ? {} : { planId: planIds.get(changed) }),
          }),
      }),
    );
  }

  steps.notInFile = [
    ...plans.filter((p) => !fileNames.has(p.name)).map((p) => `plan ${p.name}`),
    ...chains.filter((c) => !fileChains.some((f) => f.slug === c.slug)).map((c) => `chain ${c.slug}`),
    ...tenants.filter((t) => !fileTenants.some((f) => f.name === t.name)).map((t) => `tenant ${t.name}`),
  ];
  return steps;
}

/**
 * One entry's step: create when the gateway has none, else the fields the file gives that differ.
 * A field the file leaves out is left as it is. `skip`: fields never compared (not readable);
 * `force`: fields sent anyway. A differing field the API cannot change is a usage error.
 */
function resource({
  kind,
  label,
  want,
  have,
  key = "name",
  patchable,
  skip = [],
  force = [],
  create,
  update,
}) {
  if (!have) return { kind, label, action: "create", run: create };
  const changes = {};
  for (const [field, value] of Object.entries(want)) {
    if (field === key || skip.includes(field)) continue;
    if (same(have[field], value)) continue;
    if (!patchable.includes(field))
      throw new UsageError(
        `${label}: ${field} is ${show(have[field])} on the gateway and ${show(value)} in the file, and cannot be changed`,
      );
    changes[field] = { from: have[field], to: value };
  }
  for (const field of force) changes[field] = { from: undefined, to: want[field] };
  if (Object.keys(changes).length === 0) return { kind, label, action: "unchanged" };
  const body = Object.fromEntries(Object.entries(changes).map(([f, c]) => [f, c.to]));
  return { kind, label, action: "update", changes, run: () => update(body) };
}

const enc = encodeURIComponent;

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function show(value) {
  if (value === undefined) return "-";
  return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** `+ plan growth`, `~ chain ethereum: budgetMs 2000 -> 3000`; a sealed field never shows its value. */
export function lineOf(step) {
  if (step.action === "create") return `+ ${step.label}`;
  if (step.action === "unchanged") return `  ${step.label}`;
  const parts = Object.entries(step.changes).map(([field, { from, to }]) =>
    WRITE_ONLY.includes(field) && step.kind === "upstream"
      ? `${field} (not readable: sent)`
      : `${field} ${show(from)} -> ${show(to)}`,
  );
  return `~ ${step.label}: ${parts.join(", ")}`;
}

function summarise(steps, dryRun) {
  const of = (action) => steps.filter((s) => s.action === action);
  return {
    created: of("create").map((s) => s.label),
    updated: of("update").map((s) => ({
      target: s.label,
      changes: Object.fromEntries(
        Object.entries(s.changes).map(([f, c]) => [
          f,
          WRITE_ONLY.includes(f) && s.kind === "upstream" ? { sealed: true } : c,
        ]),
      ),
    })),
    unchanged: of("unchanged").map((s) => s.label),
    notInFile: steps.notInFile,
    dryRun,
    lines: steps.filter((s) => s.action !== "unchanged").map(lineOf),
  };
}

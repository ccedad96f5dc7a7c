// Checks the file of `rpcgw apply` before anything is sent: its shape (plans, chains with their
// upstreams, tenants naming a plan), unique names, and each entry against the JSON Schema of the
// admin API's own POST body for it, read from the gateway's OpenAPI document (GET /openapi.json).
import Ajv2020 from "ajv/dist/2020.js";
import { UsageError } from "./args.mjs";

/** The routes whose bodies an entry must satisfy, by the end of their OpenAPI path. */
const ROUTES = {
  createPlan: ["post", /\/plans$/],
  updatePlan: ["patch", /\/plans\/\{[^}]+\}$/],
  createChain: ["post", /\/chains$/],
  updateChain: ["patch", /\/chains\/\{[^}]+\}$/],
  createUpstream: ["post", /\/chains\/\{[^}]+\}\/upstreams$/],
  updateUpstream: ["patch", /\/chains\/\{[^}]+\}\/upstreams\/\{[^}]+\}$/],
  createTenant: ["post", /\/tenants$/],
  updateTenant: ["patch", /\/tenants\/\{[^}]+\}$/],
};

const TOP = ["plans", "chains", "tenants"];
const TENANT_FIELDS = ["name", "plan", "status"];

/**
 * The body validators of the API's admin document, and the fields each PATCH may change.
 * @param {any} doc the OpenAPI document
 * @returns {Record<keyof typeof ROUTES, { validate: import("ajv").ValidateFunction, fields: string[] }>}
 */
export function bodySchemas(doc) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  ajv.addFormat("uri", (s) => URL.canParse(s));
  const out = {};
  for (const [name, [method, pattern]] of Object.entries(ROUTES)) {
    const path = Object.keys(doc?.paths ?? {}).find((p) => pattern.test(p) && doc.paths[p][method]);
    const schema = path && doc.paths[path][method].requestBody?.content?.["application/json"]?.schema;
    if (!schema)
      throw new Error(`the gateway's OpenAPI document has no ${method.toUpperCase()} ${pattern} body`);
    out[name] = { validate: ajv.compile(schema), fields: Object.keys(schema.properties ?? {}) };
  }
  return out;
}

/**
 * Throws a UsageError listing every problem of the file (each with the field and the reason).
 * @param {unknown} config @param {ReturnType<typeof bodySchemas>} schemas
 */
export function validateConfig(config, schemas) {
  const problems = [];
  if (!isObject(config))
    throw new UsageError("invalid file: it must be a mapping of plans, chains and tenants");
  for (const key of Object.keys(config))
    if (!TOP.includes(key)) problems.push(`${key}: unknown section (the file holds ${TOP.join(", ")})`);
  const list = (key) => {
    if (config[key] === undefined || config[key] === null) return [];
    if (Array.isArray(config[key])) return config[key];
    problems.push(`${key}: must be a list`);
    return [];
  };
  const plans = list("plans");
  for (const [i, plan] of plans.entries()) entry(problems, `plans[${i}]`, plan, schemas.createPlan);
  unique(problems, "plans", plans, "name");
  const chains = list("chains");
  for (const [i, chain] of chains.entries()) checkChain(problems, `chains[${i}]`, chain, schemas);
  unique(problems, "chains", chains, "slug");
  const tenants = list("tenants");
  for (const [i, tenant] of tenants.entries()) checkTenant(problems, `tenants[${i}]`, tenant, schemas);
  unique(problems, "tenants", tenants, "name");
  if (problems.length > 0) throw new UsageError(`invalid file:\n  ${problems.join("\n  ")}`);
}

function checkChain(problems, at, chain, schemas) {
  if (!isObject(chain)) return void problems.push(`${at}: must be a mapping`);
  const { upstreams, ...body } = chain;
  entry(problems, at, body, schemas.createChain);
  if (upstreams === undefined) return;
  if (!Array.isArray(upstreams)) return void problems.push(`${at}.upstreams: must be a list`);
  for (const [j, u] of upstreams.entries())
    entry(problems, `${at}.upstreams[${j}]`, u, schemas.createUpstream);
  unique(problems, `${at}.upstreams`, upstreams, "name");
}

/** A tenant names its plan by name (`plan`); checked as the POST body with that name as `planId`. */
function checkTenant(problems, at, tenant, schemas) {
  if (!isObject(tenant)) return void problems.push(`${at}: must be a mapping`);
  const { plan, status, ...rest } = tenant;
  for (const key of Object.keys(rest))
    if (!TENANT_FIELDS.includes(key))
      problems.push(`${at}.${key}: unknown field (a tenant has ${TENANT_FIELDS.join(", ")})`);
  if (typeof plan !== "string" || plan === "") problems.push(`${at}.plan: required, the name of a plan`);
  else entry(problems, at, { name: tenant.name, planId: plan }, schemas.createTenant);
  if (status !== undefined) entry(problems, at, { status }, schemas.updateTenant);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** One entry against its body schema, its errors as `at.field: reason`. */
function entry(problems, at, value, { validate }) {
  if (!isObject(value)) return void problems.push(`${at}: must be a mapping`);
  if (validate(value)) return;
  for (const err of validate.errors ?? []) problems.push(describe(at, err));
}

function describe(at, err) {
  const field = `${at}${err.instancePath.replace(/\/([^/]+)/g, (_, p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))}`;
  const p = err.params ?? {};
  if (err.keyword === "additionalProperties") return `${field}.${p.additionalProperty}: unknown field`;
  if (err.keyword === "required") return `${field}.${p.missingProperty}: required`;
  if (err.keyword === "enum") return `${field}: must be one of ${p.allowedValues.join(", ")}`;
  return `${field}: ${err.message}`;
}

function unique(problems, at, entries, key) {
  const seen = new Set();
  for (const e of entries) {
    if (!isObject(e) || typeof e[key] !== "string") continue;
    if (seen.has(e[key])) problems.push(`${at}: ${key} '${e[key]}' is there twice`);
    seen.add(e[key]);
  }
}

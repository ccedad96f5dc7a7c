// The one runner of the command table: finds the row for the words given, reads its flags, calls the
// admin API and renders the answer (or the API's JSON as it is with --json).
import { adminClient, connection } from "./api.mjs";
import { applyCommand } from "./applyCommand.mjs";
import { fieldsOf, GLOBAL_FLAGS, parseFlags, UsageError } from "./args.mjs";
import { COMMANDS } from "./commands.mjs";
import { commandHelp, groupHelp, mainHelp, usageLine } from "./help.mjs";
import { render } from "./render.mjs";
import { adminToken, parseTtl } from "./token.mjs";

/** The row for the command words (two words, or one for `jobs`, `usage`, `token`). */
export function findCommand(words) {
  const [first, second] = words;
  const row = COMMANDS.find((c) => c.cmd === `${first} ${second}`) ?? COMMANDS.find((c) => c.cmd === first);
  if (row) return { row, extra: words.slice(row.cmd.split(" ").length) };
  const inGroup = COMMANDS.filter((c) => c.cmd.startsWith(`${first} `));
  if (inGroup.length === 0) throw new UsageError(`unknown command '${first}'`, mainHelp(true));
  if (second === undefined) return { group: first };
  throw new UsageError(`unknown command '${first} ${second}'`, groupHelp(first));
}

/** Every flag the row reads, the global ones included; a row may not redefine a global flag. */
function flagSpecs(row) {
  const need = Object.fromEntries((row.need ?? []).map((n) => [n, { type: "string" }]));
  const own = { ...need, ...row.body, ...row.query, ...row.flags };
  const clash = Object.keys(own).find((flag) => Object.hasOwn(GLOBAL_FLAGS, flag));
  if (clash) throw new Error(`rpcgw: '${row.cmd}' redefines the global flag --${clash}`);
  return { ...GLOBAL_FLAGS, ...own };
}

/**
 * Runs the command line; resolves with the text to print.
 * @param {string[]} words the command words @param {string[]} rest the flags and positionals
 * @param {Record<string, string | undefined>} env
 */
export async function runCommand(words, rest, env) {
  if (words.length === 0) {
    const { flags } = parseFlags(rest, GLOBAL_FLAGS);
    if (flags.help) return mainHelp();
    throw new UsageError("no command given", mainHelp(true));
  }
  const found = findCommand(words);
  if (found.group) {
    if (parseFlags(rest, GLOBAL_FLAGS).flags.help) return groupHelp(found.group);
    throw new UsageError(`'${found.group}' needs a command`, groupHelp(found.group));
  }
  const { row, extra } = found;
  const parsed = withUsage(row, () => parseFlags([...extra, ...rest], flagSpecs(row)));
  if (parsed.flags.help) return commandHelp(row);
  const vars = routeVars(row, parsed);
  if (row.local === "token") return mintToken(parsed.flags, env);
  if (row.local === "apply") return applyCommand(vars.file, parsed.flags, env);
  const api = adminClient(await connection(parsed.flags, env));
  const json = await api(row.method, routeOf(row, vars, parsed.flags), bodyOf(row, parsed.flags));
  if (parsed.flags.json) return json === null ? "" : JSON.stringify(json, null, 2);
  return render(row.show, json);
}

/** Adds the command's usage line to a usage error without one. */
function withUsage(row, fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UsageError && !err.usage) err.usage = usageLine(row);
    throw err;
  }
}

/** The positionals and required flags by name, all present. */
function routeVars(row, { positionals, flags }) {
  const args = row.args ?? [];
  if (positionals.length > args.length)
    throw new UsageError(`unexpected argument '${positionals[args.length]}'`, usageLine(row));
  const vars = {};
  args.forEach((name, i) => {
    if (positionals[i] === undefined) throw new UsageError(`missing ${name.toUpperCase()}`, usageLine(row));
    if (/^\.{0,2}$/.test(positionals[i]))
      throw new UsageError(`${name.toUpperCase()} may not be '${positionals[i]}'`, usageLine(row));
    vars[name] = positionals[i];
  });
  for (const name of row.need ?? []) {
    if (typeof flags[name] !== "string" || flags[name] === "")
      throw new UsageError(`missing --${name}`, usageLine(row));
    vars[name] = flags[name];
  }
  return vars;
}

function routeOf(row, vars, flags) {
  const path = row.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(vars[name]));
  const query = new URLSearchParams(fieldsOf(row.query, flags)).toString();
  return query ? `${path}?${query}` : path;
}

function bodyOf(row, flags) {
  if (!row.body && !row.fixed) return undefined;
  return { ...fieldsOf(row.body, flags), ...row.fixed };
}

const SCOPES = ["admin:read", "admin:write"];

async function mintToken(flags, env) {
  const secret = flags.secret ?? env.ADMIN_JWT_SECRET;
  if (!secret) throw new UsageError("no secret: give --secret or set ADMIN_JWT_SECRET");
  const scope = flags.scope ?? "admin:write";
  if (!SCOPES.includes(scope)) throw new UsageError(`--scope is ${SCOPES.join(" or ")}`);
  const ttlSeconds = parseTtl(flags.ttl ?? "1h");
  if (ttlSeconds === undefined) throw new UsageError("--ttl is seconds or a duration such as 30m or 1h");
  return adminToken(secret, { sub: flags.sub ?? "local-admin", scope, ttlSeconds });
}

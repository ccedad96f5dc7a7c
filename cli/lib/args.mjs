// Reads the command line: `--flag value`, `--flag=value`, `--flag` / `--no-flag` for booleans and
// `--clear-flag` for a list that may be removed, against a table of flag types.

/** A mistake on the command line (exit code 2). */
export class UsageError extends Error {
  /** @param {string} message @param {string} [usage] what to show below it */
  constructor(message, usage) {
    super(message);
    this.usage = usage;
  }
}

/**
 * @typedef {{ type: "string" | "number" | "list" | "boolean", field?: string, clearable?: boolean }} FlagSpec
 * `field`: the JSON field it sets (default: the flag in camelCase); `clearable`: `--clear-<flag>` sets null.
 */

/** `cu-per-second` → `cuPerSecond`. @param {string} flag */
export const camel = (flag) => flag.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/** The global flags, valid before and after the command. @type {Record<string, FlagSpec>} */
export const GLOBAL_FLAGS = {
  url: { type: "string" },
  token: { type: "string" },
  secret: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

/**
 * Splits off the command words: the leading global flags, then every word up to the next flag.
 * @param {string[]} argv
 * @returns {{ words: string[], rest: string[] }} `rest`: the flags (and positionals after them)
 */
export function splitCommand(argv) {
  const lead = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith("-")) {
    const name = argv[i].replace(/^--?/, "");
    const takesValue = GLOBAL_FLAGS[name] && GLOBAL_FLAGS[name].type !== "boolean";
    lead.push(...argv.slice(i, takesValue ? i + 2 : i + 1));
    i += takesValue ? 2 : 1;
  }
  const words = [];
  while (i < argv.length && !argv[i].startsWith("-")) words.push(argv[i++]);
  return { words, rest: [...lead, ...argv.slice(i)] };
}

/**
 * Parses flags and positionals against `specs` (the global flags included).
 * @param {string[]} tokens
 * @param {Record<string, FlagSpec>} specs
 * @returns {{ positionals: string[], flags: Record<string, unknown> }} flags by flag name
 */
export function parseFlags(tokens, specs) {
  const positionals = [];
  const flags = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === "-h") flags.help = true;
    else if (!token.startsWith("--")) positionals.push(token);
    else {
      const [name, inline] = splitFlag(token);
      const taken = readFlag(name, inline, tokens[i + 1], specs, flags);
      if (taken) i++;
    }
  }
  return { positionals, flags };
}

/** @param {string} token */
function splitFlag(token) {
  const eq = token.indexOf("=");
  return eq === -1 ? [token.slice(2), undefined] : [token.slice(2, eq), token.slice(eq + 1)];
}

/** Stores one flag; true when it took the next token as its value. */
function readFlag(name, inline, next, specs, flags) {
  if (specs[name]?.type === "boolean") {
    flags[name] = inline === undefined ? true : parseBoolean(name, inline);
    return false;
  }
  const negated = name.startsWith("no-") && specs[name.slice(3)]?.type === "boolean";
  if (negated && inline === undefined) {
    flags[name.slice(3)] = false;
    return false;
  }
  const cleared = name.startsWith("clear-") && specs[name.slice(6)]?.clearable;
  if (cleared && inline === undefined) {
    flags[name.slice(6)] = null;
    return false;
  }
  const spec = specs[name];
  if (!spec) throw new UsageError(`unknown flag --${name}`);
  const raw = inline ?? next;
  if (raw === undefined || (inline === undefined && raw.startsWith("--")))
    throw new UsageError(`--${name} needs a value`);
  const value = parseValue(name, spec.type, raw);
  flags[name] = spec.type === "list" && Array.isArray(flags[name]) ? [...flags[name], ...value] : value;
  return inline === undefined;
}

function parseBoolean(name, raw) {
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new UsageError(`--${name} is true or false, not '${raw}'`);
}

function parseValue(name, type, raw) {
  if (type === "number") {
    const value = raw.trim() === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`--${name} needs a number, not '${raw}'`);
    return value;
  }
  if (type === "list")
    return raw
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  return raw;
}

/**
 * The JSON fields the given flags set, for the flags in `specs`.
 * @param {Record<string, FlagSpec> | undefined} specs
 * @param {Record<string, unknown>} flags
 */
export function fieldsOf(specs, flags) {
  const fields = {};
  for (const [name, spec] of Object.entries(specs ?? {}))
    if (flags[name] !== undefined) fields[spec.field ?? camel(name)] = flags[name];
  return fields;
}

// Reads the file of `rpcgw apply`: JSON or YAML (by extension, else by its first character), with
// `${NAME}` in string values replaced from the environment. Every mistake is a UsageError (exit 2).
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { UsageError } from "./args.mjs";

/**
 * The file's content as an object, placeholders filled in.
 * @param {string} path @param {Record<string, string | undefined>} env
 */
export async function loadApplyFile(path, env) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err.code ?? err.message}`);
  }
  return substitute(parseText(path, text), env);
}

/** JSON for `.json` or text opening with `{`, YAML otherwise. */
export function parseText(path, text) {
  const json = /\.json$/i.test(path) || (!/\.ya?ml$/i.test(path) && text.trimStart().startsWith("{"));
  try {
    return json ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new UsageError(`${path} is not valid ${json ? "JSON" : "YAML"}: ${err.message.split("\n")[0]}`);
  }
}

const PLACEHOLDER = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * `${NAME}` in every string value (not in keys) from `env`; `$${NAME}` is the text `${NAME}`.
 * A variable that is not set names itself in the error.
 * @param {unknown} value @param {Record<string, string | undefined>} env @param {string} [at]
 */
export function substitute(value, env, at = "") {
  if (typeof value === "string")
    return value.replace(PLACEHOLDER, (_, escaped, name) => {
      if (escaped) return `\${${name}}`;
      const found = env[name];
      if (found === undefined)
        throw new UsageError(`${at || "the file"}: environment variable ${name} is not set`);
      return found;
    });
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, env, `${at}[${i}]`));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, env, at ? `${at}.${k}` : k)]),
    );
  return value;
}

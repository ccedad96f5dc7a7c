// The help texts, made from the command table: every command, a group's commands, one command's flags.
import { COMMANDS } from "./commands.mjs";

const GLOBAL_HELP = `Global flags:
  --url URL      the gateway (env RPCGW_URL, default http://127.0.0.1:8787)
  --token JWT    an admin token (env RPCGW_TOKEN)
  --secret S     without a token, mint one with this HS256 secret (env ADMIN_JWT_SECRET)
  --json         print the API's JSON answer as it is
  --help         this help; rpcgw <group> --help lists a group's commands`;

const EXIT_HELP = `Exit codes: 0 done, 1 the API refused, 2 usage error, 3 gateway unreachable or 5xx.`;

const META = { string: "S", number: "N", list: "A,B" };

/** `--flag N`, `--[no-]flag`, with `|--clear-flag` when the list may be removed. */
function flagLine(name, spec) {
  if (spec.type === "boolean") return `--[no-]${name}`;
  const line = `--${name} ${META[spec.type]}`;
  return spec.clearable ? `${line} | --clear-${name}` : line;
}

/** `rpcgw keys list --tenant ID` with the row's positionals and required flags. */
export function usageLine(row) {
  const args = (row.args ?? []).map((a) => a.toUpperCase());
  const need = (row.need ?? []).map((n) => `--${n} ${n.toUpperCase()}`);
  const optional = Object.keys({ ...row.body, ...row.query, ...row.flags }).length > 0 ? ["[flags]"] : [];
  return `Usage: rpcgw ${[row.cmd, ...args, ...need, ...optional].join(" ")}`;
}

/** Every command, one line each; `short`: just how to get it. */
export function mainHelp(short = false) {
  if (short) return "Usage: rpcgw <command> [flags]; rpcgw --help lists the commands.";
  const width = Math.max(...COMMANDS.map((c) => c.cmd.length));
  const lines = COMMANDS.map((c) => `  ${c.cmd.padEnd(width)}  ${c.summary}`);
  return [
    "rpcgw: the gateway's admin API from the command line.",
    "",
    "Usage: rpcgw <command> [args] [flags]",
    "",
    "Commands:",
    ...lines,
    "",
    GLOBAL_HELP,
    "",
    EXIT_HELP,
  ].join("\n");
}

/** A group's commands with their usage lines. @param {string} group */
export function groupHelp(group) {
  const rows = COMMANDS.filter((c) => c.cmd.startsWith(`${group} `));
  const lines = rows.map((c) => `  ${usageLine(c).slice("Usage: ".length)}\n      ${c.summary}`);
  return [
    `Commands of rpcgw ${group}:`,
    ...lines,
    "",
    `rpcgw ${group} <command> --help lists its flags.`,
  ].join("\n");
}

/** One command: its usage line and every flag it takes. */
export function commandHelp(row) {
  const specs = { ...row.body, ...row.query, ...row.flags };
  const flags = Object.entries(specs).map(([name, spec]) => `  ${flagLine(name, spec)}`);
  return [
    usageLine(row),
    `  ${row.summary}`,
    ...(row.details ? ["", row.details] : []),
    ...(flags.length > 0 ? ["", "Flags:", ...flags] : []),
    "",
    GLOBAL_HELP,
  ].join("\n");
}

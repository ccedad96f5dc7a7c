#!/usr/bin/env node
// rpcgw: the gateway's admin API from the command line (README, "Admin"). Exit codes: 0 done, 1 the
// API refused (4xx), 2 a usage error, 3 the gateway could not be reached or answered 5xx.
import { ApiError } from "./lib/api.mjs";
import { splitCommand, UsageError } from "./lib/args.mjs";
import { runCommand } from "./lib/run.mjs";

/** The message of a failure and its exit code; never the token or a secret. */
function failure(err) {
  if (err instanceof UsageError) return { code: 2, text: [`error: ${err.message}`, err.usage] };
  if (err instanceof ApiError) {
    const fields = Object.entries(err.fields ?? {}).map(([field, problem]) => `  ${field}: ${problem}`);
    return { code: err.exitCode, text: [`error: ${err.message}`, ...fields] };
  }
  if (typeof err?.exitCode === "number") return { code: err.exitCode, text: [`error: ${err.message}`] };
  return { code: 1, text: [`error: ${err?.message ?? err}`] };
}

async function main() {
  const { words, rest } = splitCommand(process.argv.slice(2));
  try {
    const out = await runCommand(words, rest, process.env);
    if (out) process.stdout.write(`${out}\n`);
  } catch (err) {
    const { code, text } = failure(err);
    process.stderr.write(`${text.filter(Boolean).join("\n")}\n`);
    process.exitCode = code;
  }
}

await main();

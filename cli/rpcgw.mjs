#!/usr/bin/env node
// rpcgw: the gateway's admin API from the command line (README, "Admin"). Exit codes: 0 done, 1 the
// API refused (4xx), 2 a usage error (a bad `apply` file too), 3 the gateway could not be reached or
// answered 5xx.
import { splitCommand, UsageError } from "./lib/args.mjs";
import { runCommand } from "./lib/run.mjs";

/** The message of a failure and its exit code; never the token or a secret. */
function failure(err) {
  if (err instanceof UsageError) return { code: 2, text: [`error: ${err.message}`, err.usage] };
  // ApiError, and apply's ApplyIncomplete wrapping one.
  if (typeof err?.exitCode === "number") {
    const fields = Object.entries(err.fields ?? {}).map(([field, problem]) => `  ${field}: ${problem}`);
    return { code: err.exitCode, text: [`error: ${err.message}`, ...fields] };
  }
  return { code: 1, text: [`error: ${err?.message ?? err}`] };
}

async function main() {
  const { words, rest } = splitCommand(process.argv.slice(2));
  try {
    const out = await runCommand(words, rest, process.env);
    if (out) process.stdout.write(`${out}\n`);
  } catch (err) {
    const { code, text } = failure(err);
    // `rpcgw apply` refused midway: what it changed before.
    if (Array.isArray(err?.applied) && err.applied.length > 0)
      process.stdout.write(`applied before the error:\n${err.applied.join("\n")}\n`);
    process.stderr.write(`${text.filter(Boolean).join("\n")}\n`);
    process.exitCode = code;
  }
}

await main();

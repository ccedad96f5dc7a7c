// Runs the `rpcgw` CLI as a child process for test/e2e/cli.test.ts, with only the environment given.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `node cli/rpcgw.mjs ...args` in the repository, with PATH and `env` as its whole environment.
 * @param {string[]} args @param {Record<string, string>} env
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function runCli(args, env) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["cli/rpcgw.mjs", ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

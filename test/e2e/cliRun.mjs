// Runs the `rpcgw` CLI as a child process for test/e2e/cli*.test.ts, with only the environment given,
// and writes the files it reads into a folder of their own under the OS's temp dir.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../support/tempDir.mjs";

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

/**
 * A temp folder for files given to the CLI: `write(name, text)` returns the file's path.
 * @param {string} prefix
 */
export function cliFiles(prefix) {
  const dir = tempDir(prefix);
  return {
    /** @param {string} name @param {string} text */
    write: (name, text) => {
      const path = join(dir.path, name);
      writeFileSync(path, text);
      return path;
    },
    remove: dir.remove,
  };
}

// Adds lock entries for platform-specific optional packages that the registry mirror did not
// serve (it has Linux builds only), so `npm ci` accepts the lock on every platform.
// Run after `npm install` changes package-lock.json. Idempotent.
import { readFileSync, writeFileSync } from "node:fs";

const PLATFORM =
  /(android|darwin|linux|win32|windows|freebsd|openbsd|netbsd|sunos|aix)-(x64|64|arm64|arm|ia32|amd64|ppc64|s390x|riscv64|loong64|mips64el)(-musl)?$/;
const OS = { windows: "win32" };
const CPU = { amd64: "x64", 64: "x64" };

/** Where npm would look for `name` when required from the package at `path`. */
function resolve(path, name) {
  for (let dir = path; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf("/node_modules/")))) {
    const key = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
  }
}
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const match = name.match(PLATFORM);
    const found = resolve(path, name);
    if (!match || (found && packages[found].version === version)) continue;
    const [, os, cpu, musl] = match;
    const key = `${found && path ? `${path}/` : ""}node_modules/${name}`;
    packages[key] = {
      version,
      optional: true,
      os: [OS[os] ?? os],
      cpu: [CPU[cpu] ?? cpu],
      ...(musl ? { libc: ["musl"] } : {}),
    };
    added++;
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} platform entries`);

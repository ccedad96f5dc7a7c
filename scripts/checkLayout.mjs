#!/usr/bin/env node
// The layout rule (README, "Architecture"), checked by `npm test`: a file under workers/<x>/
// imports only from workers/<x>/, shared/ and db/ (the gateway's index file alone composes the
// three entry points), and no import circle exists, type-only imports included.
// `node scripts/checkLayout.mjs --report` also prints the imports between workers and every circle.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");
const SOURCES = ["workers", "shared", "db"];
const COMPOSER = "workers/gateway/src/index.ts";
const IMPORT =
  /(?:^|[^\w.])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every .ts file under the source folders, as paths relative to the root. */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === "node_modules" || name === "migrations") continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) files.push(relative(ROOT, path));
    }
  };
  for (const dir of SOURCES) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return files.sort();
}

/** The project files a file imports (relative specifiers only), resolved to root-relative paths. */
function importsOf(file) {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
  const found = new Set();
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (!spec?.startsWith(".")) continue;
    const base = resolve(ROOT, dirname(file), spec);
    const target = [base, `${base}.ts`, join(base, "index.ts")].find(
      (p) => existsSync(p) && statSync(p).isFile(),
    );
    if (target) found.add(relative(ROOT, target));
  }
  return [...found];
}

/** `workers/<x>` for a file under a worker, else its top folder. */
const homeOf = (file) =>
  file.startsWith("workers/") ? file.split("/").slice(0, 2).join("/") : file.split("/")[0];

function ruleBreaks(graph) {
  const breaks = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith("workers/") || file === COMPOSER) continue;
    for (const target of targets) {
      const home = homeOf(target);
      if (home !== homeOf(file) && home !== "shared" && home !== "db") breaks.push(`${file} -> ${target}`);
    }
  }
  return breaks;
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
function circles(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const found = [];
  const visit = (v) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
      } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
    }
    if (meta.get(v).low === meta.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        meta.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return found;
}

function crossCounts(graph) {
  const counts = new Map();
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const from = homeOf(file);
      const to = homeOf(target);
      if (from.startsWith("workers/") && to.startsWith("workers/") && from !== to) {
        const key = `${from} -> ${to}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

const graph = new Map(sourceFiles().map((f) => [f, importsOf(f)]));
const breaks = ruleBreaks(graph);
const loops = circles(graph);
if (process.argv.includes("--report")) {
  console.log(`${graph.size} files`);
  for (const [pair, n] of crossCounts(graph)) console.log(`${pair}: ${n} imports`);
  for (const loop of loops) console.log(`circle of ${loop.length} files: ${loop.join(", ")}`);
}
for (const line of breaks)
  console.error(`layout: ${line} (workers/<x> imports only workers/<x>, shared/, db/)`);
for (const loop of loops)
  console.error(`layout: import circle of ${loop.length} files: ${loop.join(" -> ")}`);
if (breaks.length > 0 || loops.length > 0) process.exit(1);

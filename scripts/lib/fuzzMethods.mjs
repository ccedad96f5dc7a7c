// Method names and params for the fuzzer (fuzzInputs.mjs): every method the gateway knows, read as text
// from shared/metering/computeUnits.ts and shared/methods/namespaces.ts, plus case variants, names it
// never serves, random names, and junk params (wrong types, missing, extra, huge ranges, long strings).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

/** Every method name the two tables spell: the CU table's keys and the quoted names of the allowlists. */
export function knownMethods(root = ROOT) {
  const costs = readFileSync(resolve(root, "shared/metering/computeUnits.ts"), "utf8");
  const namespaces = readFileSync(resolve(root, "shared/methods/namespaces.ts"), "utf8");
  const names = new Set();
  for (const m of costs.matchAll(/^\s+([a-z0-9]+_[A-Za-z0-9_]+):\s*\d+,/gm)) names.add(m[1]);
  for (const m of namespaces.matchAll(/"([a-z0-9]+_[A-Za-z0-9_]+)"/g)) names.add(m[1]);
  if (names.size < 40) throw new Error(`only ${names.size} methods read from the tables: did they move?`);
  return [...names].sort();
}

/** Namespaces the gateway never serves (README "API"); a call to one must be refused. */
export const NEVER_SERVED = [
  "admin",
  "personal",
  "miner",
  "engine",
  "clique",
  "les",
  "perm",
  "qbft",
  "ibft",
  "parity",
  "plugins",
  "anvil",
  "evm",
  "hardhat",
  "ganache",
];
const NEVER_SUFFIXES = [
  "mine",
  "setBalance",
  "reset",
  "snapshot",
  "revert",
  "peers",
  "stop",
  "unlockAccount",
];

/** The namespace of a method name as the gateway reads it (lower-cased), or "" without one. */
export function namespaceOf(method) {
  return typeof method === "string" && method.includes("_")
    ? method.slice(0, method.indexOf("_")).toLowerCase()
    : "";
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
const ODD = [".", "-", " ", "\u0000", "\u00e9", "\u{1F600}", "\\", '"', "/", "\n", "\ud800"];

/** A method name: known (mostly), another case, never served, random, overlong or odd. */
export function methodName(rng, known) {
  const r = rng.next();
  if (r < 0.55) return rng.pick(known);
  if (r < 0.67) return caseVariant(rng, rng.pick(known));
  if (r < 0.75) return `${caseVariant(rng, rng.pick(NEVER_SERVED))}_${rng.pick(NEVER_SUFFIXES)}`;
  if (r < 0.85) return rng.string(rng.int(1, 24), ALNUM);
  if (r < 0.9) return rng.string(rng.int(60, 300), ALNUM);
  if (r < 0.95) return `${rng.pick(known)}${rng.pick(ODD)}${rng.string(rng.int(0, 4), ALNUM)}`;
  return rng.pick(["", "rpc.discover", "rpc.", "_", "eth_", "0", "eth_chainId ", " eth_chainId"]);
}

function caseVariant(rng, name) {
  const r = rng.next();
  if (r < 0.3) return name.toUpperCase();
  if (r < 0.5) return name.toLowerCase() === name ? name.toUpperCase() : name.toLowerCase();
  return [...name].map((c) => (rng.next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join("");
}

const TAGS = ["latest", "pending", "earliest", "safe", "finalized", "LATEST", "", "0x", "-0x1", "0x0g"];

/** A hex string of `bytes` random bytes. */
export function hex(rng, bytes) {
  return `0x${rng.string(bytes * 2, "0123456789abcdef")}`;
}

/** A block reference: a tag, a small or huge number, or something that is neither. */
function blockRef(rng) {
  const r = rng.next();
  if (r < 0.3) return rng.pick(TAGS);
  if (r < 0.55) return `0x${rng.int(0, 300).toString(16)}`;
  if (r < 0.7) return rng.pick(["0xffffffffffffffff", "0x7fffffffffffffffffffffff", "0x0000001", "0X10"]);
  if (r < 0.8) return rng.int(0, 1e6);
  if (r < 0.9) return { blockNumber: `0x${rng.int(0, 50).toString(16)}`, requireCanonical: rng.next() < 0.5 };
  return { blockHash: hex(rng, 32) };
}

/** A log filter, often with a range far wider than any plan allows. */
function filter(rng) {
  const from = rng.int(0, 2) === 0 ? "0x0" : blockRef(rng);
  const to = rng.next() < 0.3 ? `0x${rng.int(0, 2 ** 40).toString(16)}` : blockRef(rng);
  const out = { fromBlock: from, toBlock: to };
  if (rng.next() < 0.5) out.address = rng.next() < 0.5 ? hex(rng, 20) : [hex(rng, 20), hex(rng, 19)];
  if (rng.next() < 0.5) out.topics = [hex(rng, 32), null, [hex(rng, 32), hex(rng, 32)], hex(rng, 3)];
  if (rng.next() < 0.15) out.blockHash = hex(rng, 32);
  return out;
}

/** A call object (eth_call, eth_estimateGas...), with fields of the right or wrong types. */
function txObject(rng) {
  const out = {};
  if (rng.next() < 0.7) out.to = rng.next() < 0.8 ? hex(rng, 20) : hex(rng, rng.int(0, 40));
  if (rng.next() < 0.5) out.from = hex(rng, 20);
  if (rng.next() < 0.6) out.data = hex(rng, rng.int(0, 300));
  if (rng.next() < 0.3) out.value = rng.pick(["0x0", "0xffffffffffffffffffffffffffffffff", 12, "-1"]);
  if (rng.next() < 0.3) out.gas = rng.pick(["0x5208", "0xffffffffffffffff", null, true]);
  if (rng.next() < 0.1) out.input = hex(rng, rng.int(0, 64));
  return out;
}

/** One param value: a plausible shape (address, block, hash, filter, call...) or junk. */
export function paramValue(rng, junk) {
  const r = rng.next();
  if (r < 0.15) return hex(rng, 20);
  if (r < 0.3) return blockRef(rng);
  if (r < 0.4) return hex(rng, 32);
  if (r < 0.5) return filter(rng);
  if (r < 0.6) return txObject(rng);
  if (r < 0.65) return rng.next() < 0.5;
  if (r < 0.72) return hex(rng, rng.next() < 0.8 ? rng.int(0, 64) : rng.int(65, 2000));
  if (r < 0.77) return rng.pick(["newHeads", "logs", "newPendingTransactions", "syncing", "callTracer"]);
  if (r < 0.8) return { tracer: rng.pick(["callTracer", "prestateTracer", "jsTracer"]), timeout: "999s" };
  return junk(rng);
}

/** Params: missing, not an array, or 0-6 values (fewer or more than any method takes). */
export function params(rng, junk) {
  const r = rng.next();
  if (r < 0.1) return undefined;
  if (r < 0.17) return rng.pick([null, 0, "latest", true, {}, { a: 1 }, [[]]]);
  return Array.from({ length: rng.int(0, 6) }, () => paramValue(rng, junk));
}

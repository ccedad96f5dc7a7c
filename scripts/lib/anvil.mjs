// Starts a real anvil node (from @foundry-rs/anvil) on loopback and waits until it answers.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { freePort } from "./ports.mjs";

const require = createRequire(import.meta.url);
const ARCH = { x64: "amd64", arm64: "arm64" };

/** The anvil binary itself, so that stopping it needs no wrapper to pass the signal on. */
function anvilCommand() {
  try {
    const pkg = `@foundry-rs/anvil-${process.platform}-${ARCH[process.arch] ?? process.arch}`;
    return [require.resolve(`${pkg}/bin/anvil${process.platform === "win32" ? ".exe" : ""}`)];
  } catch {
    return [process.execPath, require.resolve("@foundry-rs/anvil/bin.mjs")];
  }
}

/**
 * `state`: a file the chain is loaded from, if it exists, and saved to when anvil stops (SIGINT or
 * SIGTERM), so the chain goes on across restarts; without it every start is a fresh chain.
 * @param {{ port?: number, chainId?: number, blockTime?: number, state?: string }} [options]
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startAnvil({ port, chainId = 31337, blockTime = 1, state } = {}) {
  port ??= await freePort();
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"];
  if (blockTime > 0) args.push("--block-time", String(blockTime));
  if (state) {
    mkdirSync(dirname(state), { recursive: true });
    args.push("--state", state);
  }
  const [command, ...prefix] = anvilCommand();
  const child = spawn(command, [...prefix, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
      });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not start on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

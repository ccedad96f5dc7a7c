// npm run contracts: compiles contracts/*.sol with solc-js into contracts/build/<Name>.json
// ({ abi, bytecode }), which are committed: npm start's seed and the tests deploy them on anvil.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import solc from "solc";
import { ROOT } from "./lib/gateway.mjs";

const dir = resolve(ROOT, "contracts");
const sources = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith(".sol"))
    .map((f) => [f, { content: readFileSync(resolve(dir, f), "utf8") }]),
);
const output = JSON.parse(
  solc.compile(
    JSON.stringify({
      language: "Solidity",
      sources,
      settings: {
        optimizer: { enabled: true, runs: 200 },
        // anvil's default hardfork runs it; pinned so a solc upgrade does not change the bytecode.
        evmVersion: "cancun",
        outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
      },
    }),
  ),
);
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
mkdirSync(resolve(dir, "build"), { recursive: true });
for (const [file, contracts] of Object.entries(output.contracts)) {
  for (const [name, { abi, evm }] of Object.entries(contracts)) {
    const artifact = {
      source: `contracts/${file}`,
      compiler: `solc ${solc.version()}`,
      abi,
      bytecode: `0x${evm.bytecode.object}`,
    };
    writeFileSync(resolve(dir, "build", `${name}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
    console.log(`contracts/build/${name}.json (${evm.bytecode.object.length / 2} bytes)`);
  }
}

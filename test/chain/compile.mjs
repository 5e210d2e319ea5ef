// Re-creates artifacts.json (ABI + bytecode) from the .sol files here with the npm
// solc compiler (offline). Run: node test/chain/compile.mjs
// EVM "paris": the ganache chain of the tests runs the shanghai hardfork, and paris
// output (no PUSH0) runs on any chain a reader might try it on.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";
import solc from "solc";

const here = path.dirname(fileURLToPath(import.meta.url));
const sources = {};
for (const f of fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".sol"))
  .sort())
  sources[f] = { content: fs.readFileSync(path.join(here, f), "utf8") };
const input = {
  language: "Solidity",
  sources,
  settings: {
    evmVersion: "paris",
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const artifacts = { compiler: solc.version() };
for (const file of Object.keys(output.contracts).sort())
  for (const [name, c] of Object.entries(output.contracts[file]))
    artifacts[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
// Formatted as the repo's prettier would, so a re-run of an unchanged source is no diff.
const json = await prettier.format(JSON.stringify(artifacts), {
  ...(await prettier.resolveConfig(here)),
  parser: "json",
});
fs.writeFileSync(path.join(here, "artifacts.json"), json);
console.log(
  `wrote artifacts.json: ${Object.keys(artifacts)
    .filter((k) => k !== "compiler")
    .join(", ")}`,
);

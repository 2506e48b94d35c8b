// Prints the JSON form of Terraform files, as HashiCorp's HCL parser reads them (through @cdktf/hcl2json):
//   node hcl2json.mjs FILE...   ->   {"FILE": {...}, ...} on stdout
// The tests parse every file in one run because the parser (Go compiled to WebAssembly) takes a while to load.
// A file that does not parse ends the run with exit code 1 and the parser's message, naming the file, on stderr.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse } = require("@cdktf/hcl2json");

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: node hcl2json.mjs FILE...\n");
  process.exit(2);
}
const parsed = {};
for (const file of files) {
  try {
    parsed[file] = await parse(file, await readFile(file, "utf8"));
  } catch (error) {
    process.stderr.write(`${file}: ${error?.message ?? error}\n`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify(parsed));
process.exit(0);

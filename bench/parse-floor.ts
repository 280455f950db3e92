// The parse floor: initialise web-tree-sitter with tree-sitter-python's .wasm and parse every .py under
// the given folders once, as one whole process. Any analyzer built on this parser costs at least this.
// Prints {"files", "bytes", "filesWithErrors"} as JSON.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";
import { listPythonFiles } from "./python-files.js";

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error("usage: node dist/bench/parse-floor.js FOLDER...");
  process.exit(2);
}
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(createRequire(import.meta.url).resolve("tree-sitter-python/tree-sitter-python.wasm")));
let files = 0;
let bytes = 0;
let filesWithErrors = 0;
for (const root of roots) {
  for (const file of listPythonFiles(root)) {
    const source = readFileSync(file, "utf8");
    const tree = parser.parse(source);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
    if (tree.rootNode.hasError) filesWithErrors += 1;
    tree.delete();
    files += 1;
    bytes += Buffer.byteLength(source);
  }
}
process.stdout.write(JSON.stringify({ files, bytes, filesWithErrors }) + "\n");

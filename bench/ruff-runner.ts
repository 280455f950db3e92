// Runs ruff's asyncio rules (every ASYNC code, RUF006, PLE1142) through @astral-sh/ruff-wasm-nodejs over
// every .py under the given folders, as one whole process, and prints the diagnostics as JSON:
// {"files": N, "diagnostics": [{"code", "path", "line", "column"}]} with paths relative to the cwd.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { relative, sep } from "node:path";
import { listPythonFiles } from "./python-files.js";

interface RuffDiagnostic { code: string | null; start_location: { row: number; column: number } }
interface RuffModule {
  Workspace: new (settings: unknown, positionEncoding: number) => { check(contents: string): RuffDiagnostic[] };
  PositionEncoding: { Utf16: number };
}

export const ruffSelection = ["ASYNC", "RUF006", "PLE1142"];

const ruff = createRequire(import.meta.url)("@astral-sh/ruff-wasm-nodejs") as RuffModule;
const workspace = new ruff.Workspace({ lint: { select: ruffSelection } }, ruff.PositionEncoding.Utf16);

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error("usage: node dist/bench/ruff-runner.js FOLDER...");
  process.exit(2);
}
const diagnostics: { code: string; path: string; line: number; column: number }[] = [];
let files = 0;
for (const root of roots) {
  for (const file of listPythonFiles(root)) {
    files += 1;
    const path = relative(process.cwd(), file).split(sep).join("/");
    for (const d of workspace.check(readFileSync(file, "utf8"))) {
      diagnostics.push({ code: d.code ?? "syntax-error", path, line: d.start_location.row, column: d.start_location.column });
    }
  }
}
process.stdout.write(JSON.stringify({ files, diagnostics }) + "\n");

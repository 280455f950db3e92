// Where the CLI's CPU time goes on the corpus: one run under --cpu-prof (the main thread and each worker
// thread write a profile), with every sample put into a few buckets. Explains a missed speed target.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { cliPath, distBench, repoRoot } from "./paths.js";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string } }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface CpuBucket { bucket: string; ms: number; share: number }
export interface CliProfile { threads: number; totalMs: number; buckets: CpuBucket[] }

function bucketOf({ functionName, url }: ProfileNode["callFrame"]): string {
  if (url.includes("tree-sitter.wasm")) {
    if (/query/i.test(functionName)) return "tree-sitter queries (wasm)";
    if (/cursor|^ts_node|_node_|^ts_tree_(?!delete)/i.test(functionName)) return "tree-sitter tree walking (wasm)";
    return "tree-sitter parsing (wasm)";
  }
  if (url.startsWith("wasm://")) return "tree-sitter parsing (wasm)"; // the Python grammar's lexer
  if (url.includes("web-tree-sitter")) return "web-tree-sitter JS glue (node objects, marshalling)";
  if (url.includes("/dist/rules/")) return "rules (dist/rules)";
  if (url.includes("/dist/src/analyzer/")) return "analyzer: semantic model, engine (dist/src/analyzer)";
  if (url.includes("/dist/src/")) return "CLI, reading files, output (dist/src)";
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(idle)") return "idle (waiting)";
  return "Node start-up, module loading, other";
}

/** Profiles `node SCRIPT ARGS…` (exit code 1 is accepted: the CLI's "findings"). */
function profileScript(script: string, args: string[]): CliProfile {
  const dir = mkdtempSync(join(tmpdir(), "async-review-cpuprof-"));
  try {
    try {
      execFileSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, script, ...args], { cwd: repoRoot, stdio: "ignore" });
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error;
    }
    const totals = new Map<string, number>();
    const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
    for (const file of files) {
      const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
      const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const bucket = bucketOf(nodes.get(id)!.callFrame);
        totals.set(bucket, (totals.get(bucket) ?? 0) + profile.timeDeltas[i]! / 1000);
      });
    }
    const totalMs = [...totals.values()].reduce((a, b) => a + b, 0);
    const buckets = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([bucket, ms]) => ({ bucket, ms, share: ms / totalMs }));
    return { threads: files.length, totalMs, buckets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI and, for comparison under the same profiler, the parse floor. */
export function profileCorpusRuns(corpus: string): { cli: CliProfile; parseFloor: CliProfile } {
  const rel = relative(repoRoot, corpus);
  return {
    cli: profileScript(cliPath, ["check", "--format", "json", rel]),
    parseFloor: profileScript(join(distBench, "parse-floor.js"), [rel]),
  };
}

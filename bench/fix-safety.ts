// The fix-safety check of the ecosystem check: every fix the CLI offers on a corpus is applied to a copy of its
// file, which must still compile with Debian's python3 (when the original does), and the fix may use no API
// newer than the oldest Python the package supports (its Requires-Python, read as the CLI reads it).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_CONFIG } from "../src/config/index.js";
import { withFolderKnowledge } from "../src/cli/project-folders.js";
import { DEFAULT_OLDEST_PYTHON, knowledgeForPath, versionAtLeast } from "../src/analyzer/project-scope.js";
import type { PythonVersion } from "../src/analyzer/types.js";
import type { KeyedFinding } from "./ecosystem-baseline.js";

/** APIs a fix may write, with the Python that introduced them. A newcomer adds a row when a rule's fix starts
 *  writing another one. Matched in the replacement text, counting only uses the original lines did not have. */
export const API_INTRODUCED: readonly { api: string; pattern: RegExp; since: PythonVersion }[] = [
  { api: "asyncio.get_running_loop", pattern: /\bget_running_loop\(/g, since: [3, 7] },
  { api: "asyncio.run", pattern: /\basyncio\.run\(/g, since: [3, 7] },
  { api: "asyncio.create_task", pattern: /\basyncio\.create_task\(/g, since: [3, 7] },
  { api: "asyncio.current_task", pattern: /\basyncio\.current_task\(/g, since: [3, 7] },
  { api: "asyncio.to_thread", pattern: /\bto_thread\(/g, since: [3, 9] },
  { api: "asyncio.timeout", pattern: /\.timeout(?:_at)?\(/g, since: [3, 11] },
  { api: "asyncio.TaskGroup", pattern: /\bTaskGroup\(/g, since: [3, 11] },
  { api: "Task.uncancel", pattern: /\.uncancel\(/g, since: [3, 11] },
  { api: "asyncio.Runner", pattern: /\bRunner\(/g, since: [3, 11] },
];

export interface FixFailure { rule: string; path: string; line: number; problem: string }

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** The APIs a replacement adds that the target lacks. */
export function apisTooNew(original: string, replacement: string, oldest: PythonVersion): string[] {
  return API_INTRODUCED
    .filter(({ pattern, since }) => !versionAtLeast(oldest, since) && count(replacement, pattern) > count(original, pattern))
    .map(({ api, since }) => `${api} needs ${since.join(".")}`);
}

/** Replace whole lines `line..endLine` (1-based) as a suggestion does, keeping the file's line ends. */
export function applyFix(text: string, fix: { line: number; endLine: number; replacement: string }): string {
  const lines = text.split("\n");
  const crlf = lines[fix.line - 1]?.endsWith("\r") ?? false;
  const replacement = fix.replacement.split("\n").map((line) => (crlf ? `${line}\r` : line));
  lines.splice(fix.line - 1, fix.endLine - fix.line + 1, ...replacement);
  return lines.join("\n");
}

// Compiles each pair [original, fixed]; prints the fixed files that fail although their original compiles.
const COMPILE_PAIRS = `
import json, sys
def compiles(path):
    try:
        compile(open(path, 'rb').read(), path, 'exec', dont_inherit=True)
        return None
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
for original, fixed in json.load(sys.stdin):
    if compiles(original) is None:
        problem = compiles(fixed)
        if problem:
            print(json.dumps([fixed, problem]))
`;

export function checkFixes(corpusDir: string, findings: readonly KeyedFinding[]): { offered: number; failures: FixFailure[] } {
  const withFix = findings.filter((finding) => finding.fix);
  if (withFix.length === 0) return { offered: 0, failures: [] };
  const knowledge = withFolderKnowledge(undefined, DEFAULT_CONFIG, withFix.map((f) => f.path), corpusDir, corpusDir);
  const scratch = mkdtempSync(join(tmpdir(), "async-review-fixes-"));
  const failures: FixFailure[] = [];
  const pairs: [string, string][] = [];
  const byFixedPath = new Map<string, KeyedFinding>();
  try {
    withFix.forEach((finding, index) => {
      const fix = finding.fix!;
      const originalPath = join(corpusDir, finding.path);
      const text = readFileSync(originalPath, "utf8");
      const originalLines = text.split("\n").slice(fix.line - 1, fix.endLine).join("\n");
      const oldest = knowledgeForPath(knowledge, finding.path).targetPython?.oldest ?? DEFAULT_OLDEST_PYTHON;
      for (const problem of apisTooNew(originalLines, fix.replacement, oldest)) {
        failures.push({ rule: finding.rule, path: finding.path, line: finding.line, problem: `${problem}; the package supports ${oldest.join(".")}` });
      }
      const fixedPath = join(scratch, String(index), finding.path);
      mkdirSync(dirname(fixedPath), { recursive: true });
      writeFileSync(fixedPath, applyFix(text, fix));
      pairs.push([originalPath, fixedPath]);
      byFixedPath.set(fixedPath, finding);
    });
    const output = execFileSync("/usr/bin/python3", ["-c", COMPILE_PAIRS], { input: JSON.stringify(pairs), encoding: "utf8", maxBuffer: 1 << 26 });
    for (const line of output.split("\n").filter(Boolean)) {
      const [fixedPath, problem] = JSON.parse(line) as [string, string];
      const finding = byFixedPath.get(fixedPath)!;
      failures.push({ rule: finding.rule, path: finding.path, line: finding.line, problem: `does not compile after the fix: ${problem}` });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { offered: withFix.length, failures };
}

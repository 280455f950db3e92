// `check --fix` / `--diff`: apply the fixes that do not overlap, analyze the changed files again, and repeat
// until no fix applies (two findings on one line each fix the whole original line, so one waits a round). A
// file whose fixes would leave a syntax error it did not have is left as it was.
import type { AnalysisResult, Finding, SourceFile } from '../analyzer/types.js';
import { applyFixes } from './apply-fixes.js';

/** Rounds before giving up on fixes that keep producing fixes (ruff stops at 100; ours settle in 2 or 3). */
const MAX_ROUNDS = 10;

export interface FixOutcome {
  /** The new content of each file that changed, by path. */
  fixed: Map<string, Buffer>;
  /** Findings whose fix was applied, over all rounds. */
  applied: number;
  /** The analysis of every file as it is now (the fixed files analyzed again). */
  result: AnalysisResult;
  /** Files left unfixed because their fixes broke the syntax. */
  reverted: string[];
}

const SYNTAX_ERROR = /^syntax errors/;

export async function fixUntilStable(
  files: readonly SourceFile[],
  first: AnalysisResult,
  analyze: (files: SourceFile[]) => Promise<AnalysisResult>,
): Promise<FixOutcome> {
  const contents = new Map(files.map((file) => [file.path, file.content]));
  const order = new Map(files.map((file, index) => [file.path, index]));
  const fixed = new Map<string, Buffer>();
  const reverted: string[] = [];
  let result = first;
  let applied = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const byPath = new Map<string, Finding[]>();
    for (const finding of result.findings) {
      if (finding.fix && contents.has(finding.path) && !reverted.includes(finding.path)) {
        byPath.set(finding.path, [...(byPath.get(finding.path) ?? []), finding]);
      }
    }
    const changed: SourceFile[] = [];
    const appliedHere = new Map<string, number>();
    for (const [path, findings] of byPath) {
      const outcome = applyFixes(asBytes(contents.get(path)!), findings.map((finding) => finding.fix!));
      if (outcome.applied.length === 0) continue;
      changed.push({ path, content: outcome.content });
      appliedHere.set(path, outcome.applied.length);
    }
    if (changed.length === 0) break;
    const again = await analyze(changed);
    const broken = new Set(again.problems.filter((problem) => SYNTAX_ERROR.test(problem.message)).map((problem) => problem.path));
    for (const path of broken) {
      if (result.problems.some((problem) => problem.path === path && SYNTAX_ERROR.test(problem.message))) broken.delete(path);
    }
    const kept = changed.filter((file) => !broken.has(file.path));
    for (const file of kept) {
      contents.set(file.path, file.content);
      fixed.set(file.path, file.content as Buffer);
      applied += appliedHere.get(file.path)!;
    }
    reverted.push(...broken);
    const keptPaths = new Set(kept.map((file) => file.path));
    result = {
      findings: sortByFile([...result.findings.filter((f) => !keptPaths.has(f.path)), ...again.findings.filter((f) => keptPaths.has(f.path))], order),
      problems: [...result.problems.filter((p) => !keptPaths.has(p.path)), ...again.problems.filter((p) => keptPaths.has(p.path))],
      filesParsed: result.filesParsed,
      filesSkipped: result.filesSkipped,
    };
  }
  return { fixed, applied, result, reverted };
}

function asBytes(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

/** In the order files were given (a file's own findings stay in position order). */
function sortByFile(findings: Finding[], order: ReadonlyMap<string, number>): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => (order.get(a.finding.path) ?? 0) - (order.get(b.finding.path) ?? 0) || a.index - b.index)
    .map(({ finding }) => finding);
}

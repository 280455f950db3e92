// The analyzer's entry point: source files in, findings out. Pure: no GitHub, no terminal.
import type { Rule } from './rule.js';
import type { AnalysisResult, AnalyzeOptions, ProjectKnowledge, SourceFile } from './types.js';
import { Engine } from './engine.js';
import { decodeSource } from './source-text.js';
import { Budget, isStackOverflow, isWasmTrap, LimitExceeded, resolveLimits, STACK_OVERFLOW_MESSAGE, type FileLimits } from './limits.js';
import { allRules } from '../../rules/index.js';
import type { ModuleToSummarize } from './project/build-index.js';
import { withProjectIndex } from './project/with-index.js';
import type { ModuleSummary } from './project/summary.js';

export type * from './types.js';
export { allRules, findRule } from '../../rules/index.js';
export { resolveLimits, fileTimeLimitMs, timeLimitMessage, DEFAULT_LIMITS } from './limits.js';
export type { ModuleSource, ProjectContext, SummaryCache } from './project/module-source.js';

/** Files larger than this are reported as a problem instead of parsed (tree-sitter and memory stay bounded). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export async function createEngine(options: AnalyzeOptions = {}, rules: readonly Rule[] = allRules): Promise<Engine> {
  return Engine.create(rules, options, allRules);
}

/** Summarizes modules for the project index on this thread; a module that fails (or runs over its limits) is
 *  left out (null): what it defines stays unknown. */
export function summarizeModules(engine: Engine, modules: readonly ModuleToSummarize[], limits: Required<FileLimits>): (ModuleSummary | null)[] {
  return modules.map(({ text, moduleName, isPackage, keepTree }) => {
    if (engine.unusable || text.length > MAX_FILE_BYTES) return null;
    try {
      return engine.summarize(text, moduleName, isPackage, Budget.forFile(limits, text.length), keepTree === true);
    } catch (error) {
      if (isWasmTrap(error)) engine.unusable = 'the parser failed inside wasm while summarizing an imported module';
      return null;
    }
  });
}

export async function analyzeFiles(files: Iterable<SourceFile>, givenOptions: AnalyzeOptions = {}, engine?: Engine): Promise<AnalysisResult> {
  const active = engine ?? (await createEngine(givenOptions));
  const result: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: 0 };
  const limits = resolveLimits(givenOptions.limits);
  if (givenOptions.context) files = [...files];
  // With repository context, the modules the files import are summarized first, on this thread.
  const options = await withProjectIndex(files as SourceFile[], givenOptions, async (modules) => summarizeModules(active, modules, limits));
  for (const file of files) {
    if (active.unusable) result.problems.push({ path: file.path, message: `not analyzed: ${active.unusable}` });
    else analyzeOne(active, file, options.project, limits, result);
  }
  return result;
}

/** Analyze one file into `result`. Never throws: a failure becomes a problem for that file, and so does a file
 *  over its time or memory limit, or one nested so deeply that the analysis overflows the stack. */
export function analyzeOne(engine: Engine, file: SourceFile, project: ProjectKnowledge | undefined, limits: Required<FileLimits>, result: AnalysisResult): void {
  const problemsBefore = result.problems.length;
  try {
    const size = typeof file.content === 'string' ? file.content.length : file.content.byteLength;
    if (size > MAX_FILE_BYTES) {
      result.problems.push({ path: file.path, message: `skipped: ${size} bytes is over the ${MAX_FILE_BYTES}-byte limit` });
      result.filesSkipped++;
      return;
    }
    const { text, invalidUtf8 } = decodeSource(file.content);
    if (invalidUtf8) result.problems.push({ path: file.path, message: 'not valid UTF-8: undecodable bytes were replaced before analysis' });
    const module = engine.analyze(file.path, text, project, Budget.forFile(limits, size));
    if (module.parsed) result.filesParsed++;
    else result.filesSkipped++;
    if (module.problem) result.problems.push({ path: file.path, message: module.problem });
    for (const finding of module.findings) result.findings.push(finding);
  } catch (error) {
    result.problems.length = problemsBefore; // one problem per file that was not analyzed
    result.filesSkipped++;
    if (error instanceof LimitExceeded) result.problems.push({ path: file.path, message: error.message });
    else if (isStackOverflow(error)) result.problems.push({ path: file.path, message: STACK_OVERFLOW_MESSAGE });
    else {
      result.problems.push({ path: file.path, message: `internal error: ${(error as Error).message}` });
      if (process.env.ASYNC_REVIEW_DEBUG) console.error(error);
      // tree-sitter's wasm may be left inconsistent by a trap: this thread must not parse with it again.
      if (isWasmTrap(error)) engine.unusable = `the parser failed inside wasm on ${file.path} earlier in this thread`;
    }
  }
}

// The analyzer's entry point: source files in, findings out. Pure: no GitHub, no terminal.
import type { Rule } from './rule.js';
import type { AnalysisResult, AnalyzeOptions, ProjectKnowledge, SourceFile } from './types.js';
import { Engine } from './engine.js';
import { decodeSource } from './source-text.js';
import { allRules } from '../../rules/index.js';

export type * from './types.js';
export { allRules, findRule } from '../../rules/index.js';

/** Files larger than this are reported as a problem instead of parsed (tree-sitter and memory stay bounded). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export async function createEngine(options: AnalyzeOptions = {}, rules: readonly Rule[] = allRules): Promise<Engine> {
  return Engine.create(rules, options);
}

export async function analyzeFiles(files: Iterable<SourceFile>, options: AnalyzeOptions = {}, engine?: Engine): Promise<AnalysisResult> {
  const active = engine ?? (await createEngine(options));
  const result: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: 0 };
  for (const file of files) analyzeOne(active, file, options.project, result);
  return result;
}

/** Analyze one file into `result`. Never throws: a failure becomes a problem for that file. */
function analyzeOne(engine: Engine, file: SourceFile, project: ProjectKnowledge | undefined, result: AnalysisResult): void {
  try {
    const size = typeof file.content === 'string' ? file.content.length : file.content.byteLength;
    if (size > MAX_FILE_BYTES) {
      result.problems.push({ path: file.path, message: `skipped: ${size} bytes is over the ${MAX_FILE_BYTES}-byte limit` });
      result.filesSkipped++;
      return;
    }
    const { text, invalidUtf8 } = decodeSource(file.content);
    if (invalidUtf8) result.problems.push({ path: file.path, message: 'not valid UTF-8: undecodable bytes were replaced before analysis' });
    const module = engine.analyze(file.path, text, project);
    if (module.parsed) result.filesParsed++;
    else result.filesSkipped++;
    if (module.problem) result.problems.push({ path: file.path, message: module.problem });
    for (const finding of module.findings) result.findings.push(finding);
  } catch (error) {
    result.problems.push({ path: file.path, message: `internal error: ${(error as Error).message}` });
    if (process.env.ASYNC_REVIEW_DEBUG) console.error(error);
  }
}

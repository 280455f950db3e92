// `check --fix` writes the fixed files (standard input's fixed source goes to stdout); `check --diff` prints
// what it would change and writes nothing. Both say on stderr how many findings were (or would be) fixed.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeFiles, createEngine } from '../analyzer/index.js';
import type { AnalysisResult, AnalyzeOptions, SourceFile } from '../analyzer/types.js';
import { fixUntilStable } from './fix-loop.js';
import { renderFixDiff } from './fix-diff.js';
import { writeReport } from './report-sink.js';
import { EXIT } from './shared.js';

export interface FixSettings {
  /** Show the fixes as a diff instead of applying them. */
  diff: boolean;
  /** The only file is standard input. */
  stdin: boolean;
  /** Standard input's bytes when they were not analyzed (the config's `paths` leave its name out). */
  uncheckedStdin?: Uint8Array;
  cwd: string;
  outputFile?: string;
}

export interface FixingDone {
  /** The analysis after the fixes (what remains to report). */
  result: AnalysisResult;
  /** Set when the run ends here (`--diff`): 1 when there is a fix, else 0. */
  exitCode?: number;
}

export async function applyFixesOrShowDiff(files: readonly SourceFile[], first: AnalysisResult, options: AnalyzeOptions, settings: FixSettings): Promise<FixingDone> {
  const engine = first.findings.some((finding) => finding.fix) ? createEngine(options) : null; // compiled only when needed
  const outcome = await fixUntilStable(files, first, async (changed) => analyzeFiles(changed, options, await engine!));
  for (const path of outcome.reverted) process.stderr.write(`async-review: ${path}: fixes not applied: they would introduce a syntax error\n`);
  const count = `${outcome.applied} finding${outcome.applied === 1 ? '' : 's'} in ${outcome.fixed.size} file${outcome.fixed.size === 1 ? '' : 's'}`;
  if (settings.diff) {
    writeReport(renderFixDiff(files, outcome.fixed), settings.outputFile, settings.cwd);
    process.stderr.write(outcome.applied > 0 ? `Would fix ${count}.\n` : 'No fixes available.\n');
    return { result: outcome.result, exitCode: outcome.fixed.size > 0 ? EXIT.findings : EXIT.clean };
  }
  if (settings.stdin) {
    const file = files[0];
    const source = file ? outcome.fixed.get(file.path) ?? file.content : settings.uncheckedStdin;
    if (source !== undefined) process.stdout.write(source);
  } else {
    const failures: string[] = [];
    for (const [path, content] of outcome.fixed) {
      try {
        writeFileSync(resolve(settings.cwd, path), content);
      } catch (error) {
        failures.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`cannot write the fixes to ${failures.join(', ')}`);
  }
  process.stderr.write(outcome.applied > 0 ? `Fixed ${count}.\n` : 'No fixes available.\n');
  return { result: outcome.result };
}

// `async-review check [PATH...]`: analyze files or folders and print findings (or their statistics).
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { allRules } from '../analyzer/index.js';
import { selectsAnyRule } from '../analyzer/engine.js';
import { checkRuleName } from '../config/known-rules.js';
import { createParallelAnalyzer } from '../analyzer/parallel.js';
import { SEVERITY_RANK, type AnalysisResult, type Severity, type SourceFile } from '../analyzer/types.js';
import { FAIL_ON } from '../config/schema.js';
import { isPathIncluded } from '../config/index.js';
import { renderStatistics } from '../render/statistics.js';
import { collectPythonFiles, displayPath } from './collect-files.js';
import { commonFolder, loadLocalProject, withConftestRunners } from './project.js';
import { withFolderKnowledge } from './project-folders.js';
import { defaultFormat, OUTPUT_FORMATS, renderFindings, reportProblems, UsageError, type OutputFormat } from './output.js';
import { writeReport } from './report-sink.js';
import { commaList, EXIT, useColor } from './shared.js';

export interface CheckOptions {
  /** Default: full on a terminal, concise otherwise. */
  format?: OutputFormat;
  select: string[];
  ignore: string[];
  color?: boolean;
  threads?: number;
  /** Lowest severity that makes the run exit 1; default: the config's `check.fail_on`. */
  failOn?: Severity;
  exitZero?: boolean;
  statistics?: boolean;
  outputFile?: string;
  config?: string;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('analyze Python files or folders for asyncio pitfalls')
    .argument('[paths...]', 'files or folders', ['.'])
    .addOption(new Option('--format <format>', 'output format (default: full on a terminal, concise otherwise)').choices(OUTPUT_FORMATS))
    .option('--select <codes>', 'only these rules (names, aliases or alias prefixes such as ASYNC), comma-separated', commaList, [])
    .option('--ignore <codes>', 'never these rules, comma-separated', commaList, [])
    .option('--statistics', 'print how many findings each rule has (and how many are fixable) instead of the findings')
    .option('--output-file <path>', 'write the report to this file instead of stdout')
    .option('--config <path>', 'use this config file (YAML, or TOML: a pyproject.toml\'s [tool.async-review]) instead of the project\'s')
    .option('--no-color', 'plain text output')
    .option('--threads <n>', 'threads to analyze with (default: one per core)', (value) => {
      const threads = Number(value);
      if (!Number.isInteger(threads) || threads < 1) throw new InvalidArgumentError('expected a whole number from 1');
      return threads;
    })
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the run exit 1 (default: check.fail_on, else error)').choices(FAIL_ON))
    .option('--exit-zero', 'exit 0 even when findings are reported')
    .action(async (paths: string[], options: CheckOptions) => {
      process.exitCode = await runCheck(paths, options, process.cwd());
    });
}

export async function runCheck(paths: readonly string[], options: CheckOptions, cwd: string): Promise<number> {
  // A misspelt rule would silently select nothing (or ignore nothing) and let CI pass.
  for (const selector of [...options.select, ...options.ignore]) {
    if (!selectsAnyRule(allRules, selector)) throw new UsageError(`--select/--ignore: ${checkRuleName(selector) ?? `"${selector}" selects no rule`}`);
  }
  const project = await loadLocalProject(commonFolder(paths, cwd), options.config, cwd);
  // per-file-ignores globs are relative to the project root; the analyzer's paths, to the working directory.
  const perFileIgnores = project.options.perFileIgnores && { ...project.options.perFileIgnores, base: { cwd, root: project.root } };
  const analyzeOptions = { ...project.options, select: options.select, ignore: options.ignore, perFileIgnores };
  const analyzer = createParallelAnalyzer(analyzeOptions, { startWorkersNow: true, threads: options.threads }); // they start while we read files
  const collected = collectPythonFiles(paths, cwd);
  const files: SourceFile[] = [];
  const result: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: 0 };
  for (const unreadable of collected.unreadable) result.problems.push(unreadable);
  let unreadableCount = collected.unreadable.length;
  for (const file of collected.files) {
    const path = displayPath(file, cwd);
    if (!isPathIncluded(project.config, displayPath(file, project.root))) continue;
    try {
      files.push({ path, content: readFileSync(file) });
    } catch (error) {
      result.problems.push({ path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      unreadableCount++;
    }
  }
  const checkedPaths = files.map((file) => file.path);
  const knowledge = withFolderKnowledge(withConftestRunners(analyzeOptions.project, checkedPaths, cwd, project.root), project.config, checkedPaths, cwd, project.root);
  const analyzed = await analyzer.analyze(files, knowledge);
  result.findings = analyzed.findings;
  result.problems.push(...analyzed.problems);
  const toTerminal = options.outputFile === undefined && process.stdout.isTTY === true;
  const format = options.format ?? defaultFormat(toTerminal);
  const report = options.statistics
    ? renderStatistics(result.findings, format === 'json' ? 'json' : 'table')
    : renderFindings(format, result, allRules, toTerminal && useColor(options.color));
  writeReport(report, options.outputFile, cwd);
  reportProblems(result.problems);
  const failOn = options.failOn ?? project.config.check.fail_on;
  const failing = result.findings.some((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn]);
  if (failing && !options.exitZero) return EXIT.findings;
  return unreadableCount > 0 && result.findings.length === 0 ? EXIT.error : EXIT.clean;
}

// `async-review check [PATH...]`: analyze files, folders or standard input, print findings (or their statistics),
// and with `--fix` / `--diff` apply or show the fixes.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { allRules } from '../analyzer/index.js';
import { selectsAnyRule } from '../analyzer/selection.js';
import { checkRuleSelector } from '../config/known-rules.js';
import { createParallelAnalyzer } from '../analyzer/parallel.js';
import { SEVERITY_RANK, type AnalysisResult, type AnalyzeOptions, type Severity } from '../analyzer/types.js';
import { FAIL_ON } from '../config/schema.js';
import { renderStatistics } from '../render/statistics.js';
import { readPathInputs, readStdinInput } from './check-inputs.js';
import { commonFolder, loadLocalProject, withConftestRunners, withTestDependencies } from './project.js';
import { withFolderKnowledge } from './project-folders.js';
import { indexImportedModules } from './imported-modules.js';
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
  fix?: boolean;
  diff?: boolean;
  statistics?: boolean;
  outputFile?: string;
  stdinFilename?: string;
  config?: string;
  /** false (`--no-follow-imports`): every file is analyzed alone, as if no other module were known. */
  followImports?: boolean;
  /** false (`--no-cache`): summarize every imported module again, and keep nothing on disk. */
  cache?: boolean;
  /** Where module summaries are kept between runs (default: `.async-review-cache` at the repository root). */
  cacheDir?: string;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('analyze Python files or folders (or standard input: -) for asyncio pitfalls')
    .argument('[paths...]', 'files or folders (default: .), or - for standard input')
    .addOption(new Option('--format <format>', 'output format (default: full on a terminal, concise otherwise)').choices(OUTPUT_FORMATS))
    .option('--select <codes>', 'only these rules (names, aliases or alias prefixes such as ASYNC), comma-separated', commaList, [])
    .option('--ignore <codes>', 'never these rules, comma-separated', commaList, [])
    .option('--fix', 'apply the fixes in place, then report the findings that remain')
    .addOption(new Option('--diff', 'print the fixes as a unified diff, write nothing; exit 1 when there is one').conflicts('statistics'))
    .option('--statistics', 'print how many findings each rule has (and how many are fixable) instead of the findings')
    .option('--output-file <path>', 'write the report to this file instead of stdout')
    .option('--stdin-filename <name>', 'the name of the file read from standard input (it decides the config, test module and Python version that apply)')
    .option('--config <path>', 'use this config file (YAML, or TOML: a pyproject.toml\'s [tool.async-review]) instead of the project\'s')
    .option('--no-follow-imports', 'do not read the modules the checked files import (cross-module findings need them)')
    .option('--no-cache', 'do not read or write the cache of module summaries (see --cache-dir)')
    .option('--cache-dir <path>', 'where module summaries are kept between runs (default: $ASYNC_REVIEW_CACHE_DIR, else .async-review-cache at the repository root)')
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
    if (!selectsAnyRule(allRules, selector)) throw new UsageError(`--select/--ignore: ${checkRuleSelector(selector)}`);
  }
  const stdin = readsStdin(paths, options.stdinFilename);
  const targets = paths.length > 0 ? paths : ['.'];
  const project = await loadLocalProject(commonFolder(stdin ? [options.stdinFilename ?? '.'] : targets, cwd), options.config, cwd);
  const perFileIgnores = project.options.perFileIgnores && { ...project.options.perFileIgnores, base: { cwd, root: project.root } };
  const analyzeOptions: AnalyzeOptions = { ...project.options, select: options.select, ignore: options.ignore, perFileIgnores };
  const analyzer = createParallelAnalyzer(analyzeOptions, { startWorkersNow: !stdin, threads: options.threads }); // they start while we read files
  const inputs = stdin ? await readStdinInput(options.stdinFilename, cwd, project) : readPathInputs(targets, cwd, project);
  const checkedPaths = inputs.files.map((file) => file.path);
  let knowledge = withTestDependencies(withFolderKnowledge(withConftestRunners(analyzeOptions.project, checkedPaths, cwd, project.root), project.config, checkedPaths, cwd, project.root), checkedPaths, cwd, project.root);
  if (options.followImports !== false && project.config.imports.follow) {
    const start = commonFolder(stdin ? [options.stdinFilename ?? '.'] : targets, cwd);
    const cacheLocation = options.cache === false ? false : (options.cacheDir ?? (process.env.ASYNC_REVIEW_CACHE_DIR || undefined));
    knowledge = { ...knowledge, index: await indexImportedModules(inputs.files, start, cwd, project.config.imports.source_roots, analyzer, cacheLocation) };
  }
  const analyzed = await analyzer.analyze(inputs.files, knowledge);
  let result: AnalysisResult = { ...analyzed, problems: [...inputs.problems, ...analyzed.problems] };
  if (options.fix || options.diff) {
    const { applyFixesOrShowDiff } = await import('./check-fix.js'); // loaded only to fix: it brings the diff library
    const fixing = await applyFixesOrShowDiff(inputs.files, result, { ...analyzeOptions, project: knowledge }, {
      diff: options.diff === true, stdin, uncheckedStdin: inputs.uncheckedStdin, cwd, outputFile: options.outputFile,
    });
    if (fixing.exitCode !== undefined) {
      reportProblems(fixing.result.problems);
      return inputs.problems.length > 0 && fixing.exitCode === EXIT.clean ? EXIT.error : fixing.exitCode;
    }
    result = fixing.result;
  }
  // With `--fix` on standard input, stdout holds the fixed source: the report goes to stderr.
  const reportToStderr = stdin && options.fix === true && options.outputFile === undefined;
  const toTerminal = options.outputFile === undefined && !reportToStderr && process.stdout.isTTY === true;
  const format = options.format ?? defaultFormat(toTerminal);
  const report = options.statistics
    ? renderStatistics(result.findings, format === 'json' ? 'json' : 'table')
    : renderFindings(format, result, allRules, toTerminal && useColor(options.color));
  if (reportToStderr) process.stderr.write(report);
  else writeReport(report, options.outputFile, cwd);
  reportProblems(result.problems);
  const failOn = options.failOn ?? project.config.check.fail_on;
  const failing = result.findings.some((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[failOn]);
  if (failing && !options.exitZero) return EXIT.findings;
  return inputs.problems.length > 0 && result.findings.length === 0 ? EXIT.error : EXIT.clean;
}

/** `-` alone reads standard input; so does `--stdin-filename` without paths (as ruff's). */
function readsStdin(paths: readonly string[], stdinFilename: string | undefined): boolean {
  if (paths.includes('-')) {
    if (paths.length > 1) throw new UsageError('- (standard input) cannot be checked together with other paths');
    return true;
  }
  return paths.length === 0 && stdinFilename !== undefined;
}

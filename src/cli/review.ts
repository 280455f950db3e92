// `async-review review [--base REF]`: what the App would say about the current branch. The diff is the
// working tree against the merge-base of REF and HEAD; findings are filtered, placed and planned exactly as
// on a pull request, then printed (text), emitted as GitHub Actions workflow commands, or as JSON.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { Option, type Command } from 'commander';
import type { AnalysisProblem, Severity, SourceFile } from '../analyzer/types.js';
import { FAIL_ON } from '../config/schema.js';
import { writeReport } from './report-sink.js';
import type { ReviewOfChanges } from '../app/review-changes.js';
import { isPathIncluded } from '../config/index.js';
import { parseUnifiedDiff, type FileChanges } from '../diff/hunks.js';
import { renderGithubActions } from '../render/github-actions.js';
import { findingAsJson } from '../render/json.js';
import { renderRdjson } from '../render/rdjson.js';
import { renderText } from '../render/text.js';
import type { renderCheckOutput } from '../render/summary.js';
import { reportProblems } from './output.js';
import { loadLocalProject, withConftestRunners, withTestDependencies } from './project.js';
import { withFolderKnowledge } from './project-folders.js';
import { EXIT, useColor } from './shared.js';

const run = promisify(execFile);

export const REVIEW_FORMATS = ['text', 'github', 'json', 'rdjson'] as const;
type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** Tried in order when --base is not given. */
const DEFAULT_BASES = ['origin/HEAD', 'origin/main', 'origin/master', 'main', 'master'];

interface ReviewOptions {
  base?: string;
  format: ReviewFormat;
  color?: boolean;
  /** Lowest severity that makes the run exit 1; default: the config's `check.fail_on`. */
  failOn?: Severity;
  config?: string;
  outputFile?: string;
}

export function registerReviewCommand(program: Command): void {
  program
    .command('review')
    .description("preview the App's review of the current branch: its diff against the merge-base with --base")
    .option('--base <ref>', `branch or commit to compare with (default: the first of ${DEFAULT_BASES.join(', ')} that exists)`)
    .addOption(new Option('--format <format>', 'output format').choices(REVIEW_FORMATS).default('text'))
    .option('--no-color', 'plain text output')
    .argument('[paths...]', 'review only changed files under these files or folders (default: all)')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the run exit 1 (default: check.fail_on)').choices(FAIL_ON))
    .option('--config <path>', 'use this config file instead of the project\'s')
    .option('--output-file <path>', 'write the report to this file instead of stdout')
    .action(async (paths: string[], options: ReviewOptions) => {
      process.exitCode = await runReview(options, process.cwd(), undefined, paths);
    });
}

/** Exit 1 when the App's check would fail (a finding at or above `check.fail_on` on a changed line). */
export async function runReview(options: ReviewOptions, cwd: string, output?: NodeJS.WritableStream, paths: readonly string[] = []): Promise<number> {
  const root = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const project = await loadLocalProject(root, options.config, cwd);
  // Paths given on the command line, as folders or files relative to the repository root.
  const under = paths.map((path) => relative(root, resolve(cwd, path)).split(sep).join('/'));
  const isUnder = (file: string) => under.length === 0 || under.some((prefix) => prefix === '' || file === prefix || file.startsWith(`${prefix}/`));
  const base = await mergeBase(root, options.base);
  // Working tree against the merge-base: committed and uncommitted changes to tracked files.
  const pathspec = ['--', '*.py', '*.pyi'];
  const names = (await git(root, ['diff', '-M', '--name-only', '--diff-filter=d', '-z', base, ...pathspec])).split('\0').filter(Boolean);
  const diff = parseUnifiedDiff(await git(root, ['diff', '-M', '--unified=3', '--no-color', '--no-ext-diff', base, ...pathspec]));
  const hunksByPath = new Map(diff.map((file) => [file.path, file.changes]));

  const selected = names.filter((path) => isPathIncluded(project.config, path) && isUnder(path));
  const files: SourceFile[] = [];
  const unreadable: AnalysisProblem[] = [];
  for (const path of selected) {
    try {
      files.push({ path, content: await readFile(join(root, path)) });
    } catch (error) {
      unreadable.push({ path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
  }
  // A file listed without hunks (a pure rename) has no changed line.
  const changes = new Map<string, FileChanges | null>(
    files.map((file) => [file.path, hunksByPath.get(file.path) ?? { hunks: [], added: new Set<number>() }]),
  );
  // Loaded here, not at start-up: `check` never needs the App's review planning.
  const [{ reviewChanges }, { renderCheckOutput }] = await Promise.all([import('../app/review-changes.js'), import('../render/summary.js')]);
  const review = await reviewChanges({ files, changes, config: project.config, project: withTestDependencies(withFolderKnowledge(withConftestRunners(project.options.project, selected, root, root), project.config, selected, root, root), selected, root, root) });
  const check = renderCheckOutput({
    plan: review.plan,
    failOn: options.failOn ?? project.config.check.fail_on,
    filesAnalyzed: files.length,
    problems: [...unreadable, ...review.analysis.problems],
  });
  const problems = [...unreadable, ...review.analysis.problems];
  const report = render(options, review, check, base, problems);
  if (output) output.write(report);
  else writeReport(report, options.outputFile, cwd);
  reportProblems(problems);
  return check.conclusion === 'failure' ? EXIT.findings : unreadable.length > 0 ? EXIT.error : EXIT.clean;
}

function render(
  options: ReviewOptions,
  review: ReviewOfChanges,
  check: ReturnType<typeof renderCheckOutput>,
  base: string,
  problems: AnalysisProblem[],
): string {
  const reported = review.plan.reported.filter((item) => item.onChangedLines).map((item) => item.finding);
  switch (options.format) {
    case 'github':
      return renderGithubActions(reported, { seeAll: 'async-review review' });
    case 'rdjson':
      return renderRdjson(reported);
    case 'json':
      return `${JSON.stringify(
        {
          version: 1,
          base,
          conclusion: check.conclusion,
          title: check.title,
          findings: review.plan.reported.map(({ finding, placement, fingerprint, onChangedLines }) => ({
            ...findingAsJson(finding),
            fingerprint,
            onChangedLines,
            inline: placement.kind === 'inline' ? { startLine: placement.startLine, line: placement.line, suggestion: placement.suggestion } : null,
          })),
          summaryOnly: review.plan.notInline.map(({ item, reason }) => ({ fingerprint: item.fingerprint, reason })),
          problems,
        },
        null,
        2,
      )}\n`;
    case 'text':
    default: {
      const color = useColor(options.color);
      const { plan } = review;
      const lines = [
        `Compared with ${base.slice(0, 12)} (merge-base). The App's check would be: ${check.conclusion} — ${check.title}.`,
        `${plan.comments.length} inline comment(s) on the diff, ${plan.notInline.length} in the check summary only.`,
      ];
      for (const { item, reason } of plan.notInline) {
        lines.push(`  summary only: ${item.finding.path}:${item.finding.line} ${item.finding.rule} (${reason.replace('-', ' ')})`);
      }
      return `${renderText(reported, { color })}${lines.join('\n')}\n`;
    }
  }
}

async function mergeBase(root: string, requested: string | undefined): Promise<string> {
  const candidates = requested ? [requested] : DEFAULT_BASES;
  for (const candidate of candidates) {
    try {
      await git(root, ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]);
    } catch {
      continue;
    }
    try {
      return (await git(root, ['merge-base', candidate, 'HEAD'])).trim();
    } catch (error) {
      // A shallow checkout (CI fetches one commit) holds the tips but not the history where they meet.
      if ((await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() !== 'true') throw error;
      const branch = candidate.replace(/^origin\//, '');
      throw new Error(
        `the base is missing: this checkout is shallow and holds no commit where ${candidate} and HEAD meet. ` +
          `Fetch the history (\`git fetch --unshallow\`) or fetch the base deep enough to reach it (\`git fetch --deepen=100 origin ${branch}\`, repeated until this works).`,
      );
    }
  }
  throw new Error(
    requested
      ? `--base ${requested}: no such branch or commit`
      : `none of ${DEFAULT_BASES.join(', ')} exists; pass --base REF`,
  );
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-c', 'core.quotePath=false', ...args], { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

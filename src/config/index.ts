// `.github/async-review.yml`: defaults, and what the config means for the analyzer and for path selection.
// Shared by the App (read from the default branch) and the CLI (repo root). Reading the file (YAML and the
// zod schema) is in parse.ts, which the CLI loads only when a repository has the file.
import picomatch from 'picomatch';
import type { AnalyzeOptions } from '../analyzer/types.js';
import type { Config } from './schema.js';
import { parseTargetVersion } from './target-python.js';

export type { Config, FilterMode, ReviewEvent } from './schema.js';

export const CONFIG_PATH = '.github/async-review.yml';

/** What the schema gives for an empty file (a test keeps the two equal); written out so that a run without a
 *  config file never loads the schema. */
export const DEFAULT_CONFIG: Config = Object.freeze<Config>({
  rules: {},
  'per-file-ignores': {},
  paths: { include: [], exclude: [] },
  filter: 'added',
  review: { event: 'COMMENT', max_comments: 30 },
  check: { fail_on: 'error' },
  pytest: {},
  blocking: { report_in_tests: false, report_in_scripts: false, report_in_worker_threads: false },
  imports: { follow: true, source_roots: ['.', 'src'] },
  production_only: { report_in_tests: false },
});

export function toAnalyzeOptions(config: Config): AnalyzeOptions {
  const options: AnalyzeOptions = { ruleSettings: { ...config.rules } };
  if (Object.keys(config['per-file-ignores']).length > 0) options.perFileIgnores = { globs: { ...config['per-file-ignores'] } };
  if (config.pytest.asyncio_mode) {
    options.project = { asyncTestsRunAutomatically: config.pytest.asyncio_mode === 'auto' };
  }
  const { report_in_tests: tests, report_in_scripts: scripts, report_in_worker_threads: workerThreads } = config.blocking;
  if (tests || scripts || workerThreads) options.project = { ...options.project, reportBlockingIn: { tests, scripts, workerThreads } };
  if (config.production_only.report_in_tests) options.project = { ...options.project, reportProductionOnlyInTests: true };
  if (config.blocking_calls && Object.keys(config.blocking_calls).length > 0) options.project = { ...options.project, blockingCalls: config.blocking_calls };
  const target = config['target-version'] === undefined ? undefined : parseTargetVersion(config['target-version']);
  if (target) options.project = { ...options.project, targetPython: { oldest: target } };
  return options;
}

const matcherCache = new WeakMap<Config, (path: string) => boolean>();

/** Whether `paths.include` / `paths.exclude` select this repository-relative POSIX path. It does not
 *  check the extension: callers decide which files are Python. */
export function isPathIncluded(config: Config, path: string): boolean {
  let matches = matcherCache.get(config);
  if (!matches) {
    const options = { dot: true };
    const include = config.paths.include.length > 0 ? picomatch(config.paths.include, options) : () => true;
    const exclude = config.paths.exclude.length > 0 ? picomatch(config.paths.exclude, options) : () => false;
    matches = (candidate: string) => include(candidate) && !exclude(candidate);
    matcherCache.set(config, matches);
  }
  return matches(path.replace(/^\.\//, ''));
}

// The schema of `.github/async-review.yml`, shared by the GitHub App and the CLI.
import { z } from 'zod';
import { parseTargetVersion } from './target-python.js';

export const SEVERITY_SETTINGS = ['error', 'warning', 'info', 'off'] as const;
export const FILTER_MODES = ['added', 'diff_context', 'file'] as const;
export const REVIEW_EVENTS = ['COMMENT', 'REQUEST_CHANGES'] as const;
export const FAIL_ON = ['error', 'warning', 'info'] as const;

/** GitHub's secondary rate limits and reviewers' patience both argue for a hard ceiling. */
export const MAX_INLINE_COMMENTS_LIMIT = 100;

/** YAML 1.2 reads `off` as a string, but people also write `false` (YAML 1.1 habit): both mean off. */
const severitySetting = z.preprocess((value) => (value === false ? 'off' : value), z.enum(SEVERITY_SETTINGS));

/** A single glob is accepted where a list is expected. */
const globList = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(z.string().min(1, 'a glob cannot be empty')),
);

/** Rule names, aliases or alias prefixes; a single one is accepted where a list is expected. */
const ruleSelectors = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(z.string().min(1, 'a rule name cannot be empty')),
);

export const configSchema = z.strictObject({
  /** Rule name or alias → severity override or `off`. */
  rules: z.record(z.string(), severitySetting).default({}),
  /** Glob (relative to the repository root; one without `/` matches a file name anywhere) → rules not
   *  reported in the files it matches, as ruff's `per-file-ignores`: `"tests/**": ["blocking-sleep", "ASYNC2"]`. */
  'per-file-ignores': z.record(z.string().min(1, 'a glob cannot be empty'), ruleSelectors).default({}),
  paths: z
    .strictObject({
      /** When non-empty, only Python files matching one of these globs are reviewed. */
      include: globList.default([]),
      /** Python files matching one of these globs are never reviewed. */
      exclude: globList.default([]),
    })
    .prefault({}),
  /** Which findings are reported on a PR: on added lines, anywhere in a hunk, or anywhere in a changed file. */
  filter: z.enum(FILTER_MODES).default('added'),
  review: z
    .strictObject({
      event: z.enum(REVIEW_EVENTS).default('COMMENT'),
      max_comments: z.number().int().min(0).max(MAX_INLINE_COMMENTS_LIMIT).default(30),
    })
    .prefault({}),
  check: z
    .strictObject({
      /** The lowest severity that fails the check run. */
      fail_on: z.enum(FAIL_ON).default('error'),
    })
    .prefault({}),
  /** The oldest Python the code must run on (`"3.8"` or ruff's `"py38"`); overrides what the project's
   *  `requires-python`, `python_requires` or ruff's `target-version` say. Fixes and advice use only what it has. */
  'target-version': z
    .string({ error: 'expected a quoted version such as "3.10" or "py310" (unquoted, YAML reads 3.10 as the number 3.1)' })
    .refine((value) => parseTargetVersion(value) !== undefined, { error: 'expected a version such as "3.10" or "py310"' })
    .optional(),
  /** Blocking the loop matters only where other work shares it: these report it also in tests that start no
   *  server or task, in the entry coroutine of a loop of its own (`asyncio.run(main())`) before it starts anything concurrent, and on a worker thread's loop. */
  blocking: z
    .strictObject({
      report_in_tests: z.boolean().default(false),
      report_in_scripts: z.boolean().default(false),
      report_in_worker_threads: z.boolean().default(false),
    })
    .prefault({}),
  /** Rules whose pitfall costs only in production code (a pool per call, a task nobody keeps) are quiet in test
   *  code, where doing so is the thing under test: this reports them there too. */
  production_only: z
    .strictObject({
      report_in_tests: z.boolean().default(false),
    })
    .prefault({}),
  /** The project's own blocking calls, reported in coroutines by blocking-configured-call: qualified name
   *  (`mycorp.db.query`, or `mycorp.db.*`) → what to use instead. */
  blocking_calls: z.record(z.string().min(1), z.string()).optional(),
  /** Cross-module analysis: whether the modules the checked files import are read (their coroutines, async
   *  context managers, blocking helpers...), and the folders imports resolve under (ruff's `src`). */
  imports: z
    .strictObject({
      follow: z.boolean().default(true),
      source_roots: z.array(z.string()).default(['.', 'src']),
    })
    .prefault({}),
  /** Overrides what async-review detects from pyproject.toml / pytest.ini / setup.cfg / tox.ini:
   *  `auto` means every `async def test_*` runs without a marker (pytest-asyncio's asyncio_mode). */
  pytest: z
    .strictObject({
      asyncio_mode: z.enum(['auto', 'strict']).optional(),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type FilterMode = (typeof FILTER_MODES)[number];
export type ReviewEvent = (typeof REVIEW_EVENTS)[number];

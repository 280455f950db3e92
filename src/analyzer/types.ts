// The analyzer's public data: what goes in (source files) and what comes out (findings).
// Everything here is plain data so that the CLI, the App and worker threads can pass it around.
import type { FileLimits } from './limits.js';
import type { ProjectIndexData } from './project/summary.js';
import type { ProjectContext } from './project/module-source.js';

export type { FileLimits };

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** A mechanical fix: replace whole source lines `line..endLine` (1-based, inclusive) with `replacement`
 *  (no trailing newline). Whole lines, because that is what a GitHub ```suggestion replaces. */
export interface Fix {
  line: number;
  endLine: number;
  replacement: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** As given in the SourceFile (the CLI makes it relative to the working directory, POSIX separators). */
  path: string;
  /** 1-based line and column of the start; end is exclusive in column, inclusive in line. Columns count
   *  Unicode code points, as editors and SARIF expect. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** One line, specific: names the call and the enclosing function. */
  message: string;
  /** The offending source lines (line..endLine), quoted verbatim. */
  code: string;
  fix: Fix | null;
  /** The corrected form to show: the fix's replacement when there is one, else the rule's good example. */
  corrected: string;
  /** The alias (ruff / flake8-async code) this finding answers to, when its rule covers several and says which
   *  (blocking-file-io: `ASYNC230` for `open()`, `ASYNC240` for `os.path`). Absent: every alias of the rule. */
  alias?: string;
}

export interface SourceFile {
  path: string;
  /** Raw bytes (decoded leniently: BOM stripped, invalid UTF-8 replaced) or an already-decoded string. */
  content: Uint8Array | string;
}

/** A file that could not be analyzed (or only partly): reported, never thrown. */
export interface AnalysisProblem {
  path: string;
  message: string;
}

export interface AnalysisResult {
  findings: Finding[];
  problems: AnalysisProblem[];
  /** Files actually parsed (others were skipped because they cannot contain a finding). */
  filesParsed: number;
  filesSkipped: number;
}

/** A Python version by major and minor number: `[3, 9]`. */
export type PythonVersion = readonly [major: number, minor: number];

/** The Pythons a project supports: from `oldest` up to, not including, `below` (open-ended when absent). */
export interface PythonRange {
  oldest: PythonVersion;
  below?: PythonVersion;
}

/** Knowledge that holds for the files of one folder and below (a package of a monorepo, an installed package):
 *  the nearest folder's wins over the project's. */
export interface FolderKnowledge {
  /** POSIX path prefix as the analyzer's paths are written, without a trailing slash ('' for all). */
  folder: string;
  targetPython?: PythonRange;
  asyncTestsRunAutomatically?: boolean;
  asyncTestMarks?: readonly AsyncTestMark[] | null;
}

/** The marks under which pytest-asyncio, anyio's plugin and pytest-trio run an async test. */
export type AsyncTestMark = 'asyncio' | 'anyio' | 'trio';

/** Knowledge from outside the module being analyzed: other modules of the project, test configuration.
 *  Optional everywhere; absent means "unknown", and unknown never produces a finding. */
export interface ProjectKnowledge {
  /** Qualified names (e.g. `pkg.utils.fetch`, `pkg.client.Client.get`) of coroutine functions defined in
   *  the project's other modules. */
  coroutineFunctions?: ReadonlySet<string>;
  /** Summaries of the project modules the checked files import (built from a ProjectContext before the
   *  files are analyzed, see project/build-index.ts): names imported from them resolve to what they are. */
  index?: ProjectIndexData;
  /** The isolated root of the file being analyzed (`index.scopes`; the engine sets it per file). */
  indexScope?: string;
  /** pytest-asyncio runs every async test without a marker (`asyncio_mode = auto`), or anyio/trio's
   *  plugin is configured to do so. */
  asyncTestsRunAutomatically?: boolean;
  /** What the project's declared test dependencies say (src/config/test-plugins.ts): the runner marks their
   *  plugins provide, when every pytest plugin they name is one we know to leave an unmarked coroutine test unrun
   *  (pytest-aiohttp before 1.0, pytest-jupyter, pytest-tornasync... run it). null or absent: unknown (nothing
   *  read, no pytest named, a plugin we do not know), and async-test-without-runner stays silent. */
  asyncTestMarks?: readonly AsyncTestMark[] | null;
  /** Packages (dotted module-name prefixes, '' for the root) whose conftest.py runs async tests itself (a
   *  `pytest_pyfunc_call` hook, or a runner mark added at collection): their tests need no marker. */
  asyncTestRunnerPackages?: readonly string[];
  /** The Pythons the code must run on; absent: DEFAULT_OLDEST_PYTHON onwards. Fixes and advice use only what
   *  every one of them has. */
  targetPython?: PythonRange;
  /** Project-specific blocking calls (`blocking_calls` in the config): qualified name (`mycorp.db.query`, or
   *  `mycorp.db.*` for everything below) → what to use instead. */
  blockingCalls?: Readonly<Record<string, string>>;
  /** Where loop-blocking findings are reported although nothing else shares the loop there (default: none). */
  reportBlockingIn?: { tests?: boolean; scripts?: boolean; workerThreads?: boolean };
  /** Report the rules whose pitfall costs only in production code (`costsOnlyInProduction`) in test code too. */
  reportProductionOnlyInTests?: boolean;
  /** Settings of sub-folders that declare their own (nearest wins); see knowledgeForPath. */
  folders?: readonly FolderKnowledge[];
}

export interface AnalyzeOptions {
  /** Per-rule severity override or 'off'; keys are rule names or aliases. A severity turns on a rule that is
   *  off by default. */
  ruleSettings?: Record<string, Severity | 'off'>;
  /** Only these rules (names, aliases or alias prefixes); empty or absent = all that are on by default. Naming
   *  a rule that is off by default (not by prefix) turns it on. */
  select?: string[];
  /** Never these rules (names or aliases). */
  ignore?: string[];
  /** Rules never reported in some files (the config's `per-file-ignores`). */
  perFileIgnores?: PerFileIgnores;
  project?: ProjectKnowledge;
  /** Repository context: where the modules the analyzed files import are read (the disk, the head commit's
   *  tree). analyzeFiles and the App's pool read them and summarize them first (project.index); absent, every
   *  file is analyzed alone. Not plain data: never sent to another thread. */
  context?: ProjectContext;
  /** Each file's deadline and memory ceiling (defaults in limits.ts: 5 s + 2 s per MB of source, 1 GB). A file over them
   *  is reported as a problem and the run goes on. */
  limits?: FileLimits;
}

export interface PerFileIgnores {
  /** Glob (relative to the project root; one without `/` also matches a file name anywhere) → rule names,
   *  aliases or alias prefixes not reported in the files it matches. */
  globs: Record<string, readonly string[]>;
  /** Absolute folders, when the analyzer's paths are not relative to the project root (the CLI's paths are
   *  relative to its working directory). Absent: the paths are relative to the root (the App). */
  base?: { cwd: string; root: string };
}

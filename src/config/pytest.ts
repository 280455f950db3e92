// Whether pytest runs `async def test_*` without a marker: pytest-asyncio's `asyncio_mode = auto` in any of
// pytest's configuration files. Knowing this keeps async-test-without-runner quiet on such projects.
import type { Config } from './index.js';
import { moduleNameFromPath } from '../analyzer/model/semantic-model.js';

/** The files pytest reads its configuration from, at the repository root. */
export const PYTEST_CONFIG_FILES = ['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini'] as const;

// pytest-asyncio's `asyncio_mode = auto`, or pytest-trio's `trio_mode = true`: every async test runs unmarked.
// ini files accept `key: value` too.
const AUTO_MODE = /^[ \t]*(?:asyncio_mode[ \t]*[=:][ \t]*["']?auto["']?|trio_mode[ \t]*[=:][ \t]*["']?true["']?)[ \t]*(?:#.*)?$/im;

// The same mode given as a command-line option in `addopts` (`addopts = "-ra --asyncio-mode=auto"`, also in a
// TOML list or on a continuation line), outside comments.
// TOML lists may give the option and its value as two items: `addopts = ["--asyncio-mode", "auto"]`.
const AUTO_MODE_OPTION = /^[^#\n]*--asyncio-mode(?:=|[ \t]+|["'][ \t]*,\s*)["']?auto\b/m;

// A plugin loaded by name in `addopts` (`-p aiohttp.pytest_plugin`, `-pxdist`), outside comments; `-p no:NAME`
// unloads one.
const PLUGIN_OPTION = /(?:^|[\s"',[])-p(?:[ \t]+|["'][ \t]*,\s*["']|(?=[\w.]))(?!no:)([\w.]+)/gm;

/** True when one of the texts sets auto mode in pytest's own section, or loads a plugin (`-p NAME` in
 *  `addopts`) that might run async tests unmarked; false when none does (absent files are null). */
export function detectAsyncioAutoMode(configTexts: readonly (string | null)[]): boolean {
  return configTexts.some((text) => {
    const section = text === null ? '' : pytestSection(text);
    if (AUTO_MODE.test(section) || AUTO_MODE_OPTION.test(section)) return true;
    const code = section.split('\n').map((line) => line.replace(/(^|\s)[#;].*$/, '')).join('\n');
    return [...code.matchAll(PLUGIN_OPTION)].some((match) => !isInertPluginModule(match[1]!));
  });
}

/** Plugin modules known to leave unmarked coroutine tests alone (a runner that needs a mark, or no runner). */
const INERT_PLUGIN_MODULES = new Set([
  'pytest_asyncio', 'anyio', 'pytest_trio', 'pytester', 'xdist', 'pytest_cov', 'pytest_mock', 'pytest_timeout',
  'pytest_httpx', 'pytest_django', 'pytest_benchmark', 'pytest_randomly', 'pytest_rerunfailures', 'pytest_env',
  'pytest_socket', 'pytest_httpserver', 'pytest_localserver', 'pytest_subtests', 'pytest_datadir', 'pytest_regressions',
  'pytest_snapshot', 'pytest_order', 'pytest_freezer', 'pytest_freezegun', 'pytest_recording', 'pytest_vcr', 'syrupy',
  'hypothesis', 'faker', 'time_machine', 'respx', 'pytest_lazyfixture',
]);

/** A module of the test suite itself (`tests.fixtures.db`, `fixtures`): its fixtures, not a runner. Anything else
 *  unknown might run async tests (`aiohttp.pytest_plugin`, `pytest_jupyter.jupyter_server`). */
function isInertPluginModule(module: string): boolean {
  const [top] = module.split('.');
  return module.startsWith('_pytest.') || INERT_PLUGIN_MODULES.has(top!) || /^(tests?|testing|conftest\w*|fixtures)$/.test(top!) || /(^|\.)fixtures?(\.|$)/.test(module);
}

/** pytest's sections: `[pytest]` (pytest.ini, tox.ini), `[tool:pytest]` (setup.cfg), `[tool.pytest.ini_options]`
 *  or pytest 9's native `[tool.pytest]` (pyproject.toml). A key of another tool's section (`[tool.other]`) is not pytest's. */
const PYTEST_SECTION_HEADER = /^\[(?:pytest|tool:pytest|tool\.pytest\.ini_options|tool\.pytest)\][ \t]*(?:[#;].*)?$/;

/** Does the config file configure pytest (pytest reads the nearest one that does)? pytest.ini always does. */
export function configuresPytest(fileName: string, text: string): boolean {
  return fileName === 'pytest.ini' || text.split(/\r?\n/).some((line) => PYTEST_SECTION_HEADER.test(line.trim()));
}

/** The lines of a config file's pytest section(s); empty when it has none. */
export function pytestSection(text: string): string {
  const kept: string[] = [];
  let inPytest = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\[/.test(line)) inPytest = PYTEST_SECTION_HEADER.test(line.trim());
    else if (inPytest) kept.push(line);
  }
  return kept.join('\n');
}

/** The config's explicit `pytest.asyncio_mode` wins over what the project's files say. */
export function asyncTestsRunAutomatically(config: Config, configTexts: readonly (string | null)[]): boolean {
  if (config.pytest.asyncio_mode) return config.pytest.asyncio_mode === 'auto';
  return detectAsyncioAutoMode(configTexts);
}

// A conftest.py can run async tests itself: a `pytest_pyfunc_call` hook that calls test functions (trio's own
// suite wraps every coroutine test in `trio_test`), or a collection hook that adds a runner mark to items.
const PYFUNC_CALL_HOOK = /^(?:async[ \t]+)?def[ \t]+pytest_pyfunc_call[ \t]*\(/m;
const RUNNER_MARK_ADDED = /\.add_marker\([ \t]*(?:pytest\.mark\.|["'])(?:asyncio|anyio|trio)\b/;

/** Does this conftest.py run the async tests of its folder (and below) without a marker, or load a plugin that
 *  might (`pytest_plugins = ["pytest_jupyter.jupyter_server"]`, `"aiohttp.pytest_plugin"`: both call every
 *  coroutine test)? */
export function conftestRunsAsyncTests(text: string): boolean {
  return PYFUNC_CALL_HOOK.test(text) || RUNNER_MARK_ADDED.test(text) || pluginModules(text).some((module) => !isInertPluginModule(module));
}

/** The modules a `pytest_plugins = ...` assignment at the start of a line names (a string, or a list or tuple of
 *  them); a value we cannot read counts as one unknown module. */
function pluginModules(text: string): string[] {
  const assignment = /^pytest_plugins\s*(?::[^=\n]*)?=\s*/m.exec(text);
  if (!assignment) return [];
  const rest = text.slice(assignment.index + assignment[0].length);
  const value = /^[[(]/.test(rest) ? rest.slice(0, Math.max(rest.search(/[\])]/), 0) + 1) : rest.split('\n', 1)[0]!;
  const modules = [...value.replace(/#.*$/gm, '').matchAll(/(["'])([\w.]+)\1/g)].map((match) => match[2]!);
  return modules.length > 0 || /^[[(]\s*[\])]/.test(value) ? modules : ['?'];
}

/** pytest's default `python_files`: `test_*.py` and `*_test.py`. */
export function isTestModulePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^test_.*\.py$/.test(name) || /_test\.py$/.test(name);
}

/** The conftest.py files that apply to a test module: one in its folder and in each folder above it, up to
 *  the root the path is relative to (POSIX paths). */
export function conftestPathsFor(modulePath: string): string[] {
  const parts = modulePath.split('/').slice(0, -1);
  const paths: string[] = [];
  for (let depth = parts.length; depth >= 0; depth--) {
    if (parts[depth - 1] === '..') break;
    paths.push([...parts.slice(0, depth), 'conftest.py'].join('/'));
  }
  return paths;
}

/** The folders (of the given conftest paths) whose conftest.py runs async tests, as the dotted module-name
 *  prefixes the analyzer sees. A conftest.py at or above the root the paths are relative to (`../conftest.py`)
 *  covers every module: ''. `readText` gives a file's text, or null when absent. */
export function asyncTestRunnerPackages(conftestPaths: Iterable<string>, readText: (path: string) => string | null): string[] {
  const packages: string[] = [];
  for (const path of new Set(conftestPaths)) {
    const text = readText(path);
    if (text === null || !conftestRunsAsyncTests(text)) continue;
    packages.push(path.startsWith('../') ? '' : moduleNameFromPath(path).replace(/\.?conftest$/, ''));
  }
  return packages;
}

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/parse.js';
import {
  asyncTestRunnerPackages, asyncTestsRunAutomatically, conftestPathsFor, conftestRunsAsyncTests, detectAsyncioAutoMode, isTestModulePath,
} from '../../src/config/pytest.js';

describe('detectAsyncioAutoMode', () => {
  it('finds auto mode in each of pytest configuration formats', () => {
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\nasyncio_mode = "auto"\n', null])).toBe(true);
    expect(detectAsyncioAutoMode([null, '[pytest]\nasyncio_mode=auto  # every async test\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool:pytest]\n  asyncio_mode = auto\n'])).toBe(true);
  });

  it('finds auto mode given as a command-line option in addopts', () => {
    expect(detectAsyncioAutoMode(['[pytest]\naddopts = --asyncio-mode=auto\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\naddopts = "-ra --asyncio-mode=auto"\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\naddopts = [\n  "-ra",\n  "--asyncio-mode=auto",\n]\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool:pytest]\naddopts =\n    -v\n    --asyncio-mode auto\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[pytest]\naddopts = --asyncio-mode=strict\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['[pytest]\n# addopts = --asyncio-mode=auto\n'])).toBe(false);
  });

  it('counts a plugin loaded with -p in addopts that might run async tests, but not -p no:NAME or a known one', () => {
    expect(detectAsyncioAutoMode(['[pytest]\naddopts = -p aiohttp.pytest_plugin\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\naddopts = ["-p", "pytest_jupyter.jupyter_server"]\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[pytest]\naddopts = -ra -p no:cacheprovider -p pytest_asyncio -pxdist\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['[pytest]\n# addopts = -p aiohttp.pytest_plugin\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['[pytest]\naddopts = --pdbcls=IPython.terminal.debugger:Pdb\n'])).toBe(false);
  });

  it("finds pytest-trio's trio_mode, which runs every async test too", () => {
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\ntrio_mode = true\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[pytest]\ntrio_mode = false\n'])).toBe(false);
  });

  it('does not mistake strict mode, comments or other keys for auto mode', () => {
    expect(detectAsyncioAutoMode(['[pytest]\nasyncio_mode = strict\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['# asyncio_mode = auto\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['asyncio_default_fixture_loop_scope = auto\n'])).toBe(false);
    expect(detectAsyncioAutoMode([null, null])).toBe(false);
    // Other spellings pytest accepts: ini's `key: value`, a TOML list item per word, pytest 9's [tool.pytest].
    expect(detectAsyncioAutoMode([null, '[pytest]\nasyncio_mode: auto\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\naddopts = ["--asyncio-mode", "auto"]\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool.pytest]\nasyncio_mode = "auto"\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\naddopts = ["--asyncio-mode", "strict"]\n'])).toBe(false);
    // Only pytest's own section counts: another tool's key of the same name is not pytest's setting.
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\nasyncio_mode = "strict"\n\n[tool.other]\nasyncio_mode = "auto"\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['[flake8]\naddopts = --asyncio-mode=auto\n[pytest]\nasyncio_mode = strict\n'])).toBe(false);
  });
});

describe('asyncTestsRunAutomatically', () => {
  it('lets the config override what the project files say', () => {
    const strict = parseConfig('pytest:\n  asyncio_mode: strict\n');
    if (!strict.ok) throw new Error(strict.error);
    expect(asyncTestsRunAutomatically(strict.config, ['[pytest]\nasyncio_mode = auto\n'])).toBe(false);
    expect(asyncTestsRunAutomatically(DEFAULT_CONFIG, ['[pytest]\nasyncio_mode = auto\n'])).toBe(true);
  });
});

describe('conftest.py hooks that run async tests', () => {
  it('recognises a pytest_pyfunc_call hook and runner marks added at collection', () => {
    expect(conftestRunsAsyncTests('def pytest_pyfunc_call(pyfuncitem):\n    ...\n')).toBe(true);
    expect(conftestRunsAsyncTests('@pytest.hookimpl(tryfirst=True)\ndef pytest_pyfunc_call(pyfuncitem):\n    ...\n')).toBe(true);
    expect(conftestRunsAsyncTests('def pytest_collection_modifyitems(items):\n    for item in items:\n        item.add_marker(pytest.mark.asyncio)\n')).toBe(true);
    expect(conftestRunsAsyncTests('def pytest_collection_modifyitems(items):\n    for item in items:\n        item.add_marker("anyio")\n')).toBe(true);
  });

  it('counts plugins loaded with pytest_plugins that may run async tests (unknown ones too), not known or local ones', () => {
    expect(conftestRunsAsyncTests('pytest_plugins = ["pytest_jupyter.jupyter_server"]\n')).toBe(true);
    expect(conftestRunsAsyncTests('pytest_plugins = "aiohttp.pytest_plugin"\n')).toBe(true);
    expect(conftestRunsAsyncTests('pytest_plugins = (\n    "pytester",\n    "some_company.pytest_helpers",\n)\n')).toBe(true);
    expect(conftestRunsAsyncTests('pytest_plugins = PLUGINS\n')).toBe(true); // unreadable: might
    expect(conftestRunsAsyncTests('pytest_plugins = ["pytester", "pytest_asyncio", "tests.fixtures.db", "anyio"]\n')).toBe(false);
    expect(conftestRunsAsyncTests('pytest_plugins = []\n')).toBe(false);
  });

  it('does not mistake other hooks, other marks or mentions for them', () => {
    expect(conftestRunsAsyncTests('def pytest_collection_modifyitems(items):\n    for item in items:\n        item.add_marker(pytest.mark.slow)\n')).toBe(false);
    expect(conftestRunsAsyncTests('# def pytest_pyfunc_call(pyfuncitem):\n')).toBe(false);
    expect(conftestRunsAsyncTests('import pytest\n\n@pytest.fixture\ndef client():\n    ...\n')).toBe(false);
  });

  it('finds the conftest.py of a test module\'s folder and of every folder above it', () => {
    expect(conftestPathsFor('tests/api/test_poll.py')).toEqual(['tests/api/conftest.py', 'tests/conftest.py', 'conftest.py']);
    expect(conftestPathsFor('test_top.py')).toEqual(['conftest.py']);
    expect(conftestPathsFor('../other/tests/test_a.py')).toEqual(['../other/tests/conftest.py', '../other/conftest.py']);
    expect(isTestModulePath('tests/test_poll.py')).toBe(true);
    expect(isTestModulePath('tests/poll_test.py')).toBe(true);
    expect(isTestModulePath('tests/conftest.py')).toBe(false);
    expect(isTestModulePath('src/testing.py')).toBe(false);
  });

  it('names the packages whose conftest.py runs async tests, as module-name prefixes', () => {
    const texts: Record<string, string> = {
      'trio/tests/conftest.py': 'def pytest_pyfunc_call(pyfuncitem):\n    ...\n',
      'trio/conftest.py': 'import pytest\n',
    };
    const read = (path: string) => texts[path] ?? null;
    expect(asyncTestRunnerPackages(['trio/tests/conftest.py', 'trio/conftest.py', 'conftest.py'], read)).toEqual(['trio.tests']);
    expect(asyncTestRunnerPackages(['conftest.py'], () => 'def pytest_pyfunc_call(item):\n    ...\n')).toEqual(['']);
    expect(asyncTestRunnerPackages(['../conftest.py'], () => 'def pytest_pyfunc_call(item):\n    ...\n')).toEqual(['']); // above the root
  });
});

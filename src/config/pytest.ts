// Whether pytest runs `async def test_*` without a marker: pytest-asyncio's `asyncio_mode = auto` in any of
// pytest's configuration files. Knowing this keeps async-test-without-runner quiet on such projects.
import type { Config } from './index.js';

/** The files pytest reads its configuration from, at the repository root. */
export const PYTEST_CONFIG_FILES = ['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini'] as const;

// pytest-asyncio's `asyncio_mode = auto`, or pytest-trio's `trio_mode = true`: every async test runs unmarked.
const AUTO_MODE = /^[ \t]*(?:asyncio_mode[ \t]*=[ \t]*["']?auto["']?|trio_mode[ \t]*=[ \t]*["']?true["']?)[ \t]*(?:#.*)?$/im;

// The same mode given as a command-line option in `addopts` (`addopts = "-ra --asyncio-mode=auto"`, also in a
// TOML list or on a continuation line), outside comments.
const AUTO_MODE_OPTION = /^[^#\n]*--asyncio-mode(?:=|[ \t]+)["']?auto\b/m;

/** True when one of the texts sets auto mode, false when none does (absent files are null). */
export function detectAsyncioAutoMode(configTexts: readonly (string | null)[]): boolean {
  return configTexts.some((text) => text !== null && (AUTO_MODE.test(text) || AUTO_MODE_OPTION.test(text)));
}

/** The config's explicit `pytest.asyncio_mode` wins over what the project's files say. */
export function asyncTestsRunAutomatically(config: Config, configTexts: readonly (string | null)[]): boolean {
  if (config.pytest.asyncio_mode) return config.pytest.asyncio_mode === 'auto';
  return detectAsyncioAutoMode(configTexts);
}

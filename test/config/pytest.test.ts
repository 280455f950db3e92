import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/config/index.js';
import { asyncTestsRunAutomatically, detectAsyncioAutoMode } from '../../src/config/pytest.js';

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

  it("finds pytest-trio's trio_mode, which runs every async test too", () => {
    expect(detectAsyncioAutoMode(['[tool.pytest.ini_options]\ntrio_mode = true\n'])).toBe(true);
    expect(detectAsyncioAutoMode(['[pytest]\ntrio_mode = false\n'])).toBe(false);
  });

  it('does not mistake strict mode, comments or other keys for auto mode', () => {
    expect(detectAsyncioAutoMode(['[pytest]\nasyncio_mode = strict\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['# asyncio_mode = auto\n'])).toBe(false);
    expect(detectAsyncioAutoMode(['asyncio_default_fixture_loop_scope = auto\n'])).toBe(false);
    expect(detectAsyncioAutoMode([null, null])).toBe(false);
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

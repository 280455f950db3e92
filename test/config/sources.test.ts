// The config's sources: `[tool.async-review]` in pyproject.toml (the same keys and checks as the YAML file), a
// file named with --config, and the precedence between them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import { mentionsOurTable, parsePyprojectConfig } from '../../src/config/pyproject.js';
import { configFromFile, configFromProjectFiles } from '../../src/config/sources.js';

const PYPROJECT = `[project]
name = "service"

[tool.async-review]
filter = "file"
target-version = "3.9"

[tool.async-review.rules]
blocking-sleep = "warning"
ASYNC230 = false

[tool.async-review.per-file-ignores]
"tests/**" = ["ASYNC2"]
`;

describe('[tool.async-review] in pyproject.toml', () => {
  it('reads the same keys as the YAML file', () => {
    const result = parsePyprojectConfig(PYPROJECT);
    expect(result).toMatchObject({ ok: true, config: { filter: 'file', 'target-version': '3.9', rules: { 'blocking-sleep': 'warning', ASYNC230: 'off' }, 'per-file-ignores': { 'tests/**': ['ASYNC2'] } } });
  });

  it('is absent from a pyproject.toml without the table, even one that mentions us elsewhere', () => {
    expect(parsePyprojectConfig('[project]\nname = "async-review-plugin"\n')).toBeNull();
    expect(parsePyprojectConfig('[tool.ruff]\nline-length = 100\n')).toBeNull();
    expect(mentionsOurTable('[tool.async-review.rules]\n')).toBe(true);
    expect(mentionsOurTable('[tool]\nasync-review = { filter = "file" }\n')).toBe(true);
    expect(parsePyprojectConfig('[tool]\nasync-review = { filter = "file" }\n')).toMatchObject({ ok: true, config: { filter: 'file' } });
  });

  it('reports every problem with its key path, as for YAML', () => {
    const result = parsePyprojectConfig('[tool.async-review]\nfilter = "everything"\nrules = { blocking-slep = "off" }\n');
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^filter: .*\(got "everything"\)\nrules\.blocking-slep: unknown rule "blocking-slep"/) });
    expect(parsePyprojectConfig('[tool.async-review]\nrules = [\n')).toEqual({ ok: false, error: expect.stringMatching(/^invalid TOML: .* at line 3, column 1$/) });
  });
});

describe('precedence', () => {
  it('takes whichever of the two project files configures async-review, and refuses both', () => {
    expect(configFromProjectFiles(null, null)).toEqual({ ok: true, config: DEFAULT_CONFIG, source: null });
    expect(configFromProjectFiles('filter: file\n', '[project]\nname = "x"\n')).toMatchObject({ ok: true, config: { filter: 'file' }, source: '.github/async-review.yml' });
    expect(configFromProjectFiles(null, PYPROJECT)).toMatchObject({ ok: true, config: { filter: 'file' }, source: '[tool.async-review] in pyproject.toml' });
    expect(configFromProjectFiles('filter: file\n', PYPROJECT)).toEqual({ ok: false, error: expect.stringContaining('both .github/async-review.yml and [tool.async-review] in pyproject.toml') });
    expect(configFromProjectFiles('filter: nope\n', null)).toEqual({ ok: false, error: expect.stringMatching(/^invalid \.github\/async-review\.yml:\nfilter: /) });
  });

  it('reads a --config file by its extension', () => {
    expect(configFromFile('ci/async-review.yaml', 'filter: file\n')).toMatchObject({ ok: true, config: { filter: 'file' } });
    expect(configFromFile('ci/async-review.toml', 'filter = "file"\n')).toMatchObject({ ok: true, config: { filter: 'file' } });
    expect(configFromFile('ci/async-review.toml', '[tool.async-review]\nfilter = "file"\n')).toMatchObject({ ok: true, config: { filter: 'file' } });
    expect(configFromFile('other/pyproject.toml', PYPROJECT)).toMatchObject({ ok: true, source: '[tool.async-review] in other/pyproject.toml' });
    expect(configFromFile('other/pyproject.toml', '[project]\nname = "x"\n')).toEqual({ ok: false, error: 'other/pyproject.toml has no [tool.async-review] table' });
  });
});

describe('the README', () => {
  it("documents a pyproject.toml example that parses, in the CLI's section", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /^### Where the CLI's config comes from\n(?:(?!^#{2,3} )[\s\S])*?```toml\n([\s\S]*?)```/m.exec(readme)?.[1];
    expect(example).toBeDefined();
    expect(parsePyprojectConfig(example!)).toMatchObject({ ok: true, config: { 'per-file-ignores': { 'tests/**': ['blocking-sleep', 'ASYNC2'] } } });
  });
});

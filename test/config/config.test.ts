import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { DEFAULT_CONFIG, isPathIncluded, toAnalyzeOptions, type Config } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/parse.js';
import { configSchema } from '../../src/config/schema.js';

function parseOk(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.error}`);
  return result.config;
}

function parseError(text: string): string {
  const result = parseConfig(text);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return result.error;
}

describe('parseConfig', () => {
  it('gives the defaults for a missing, empty or comment-only file', () => {
    for (const text of [null, '', '   \n', '# nothing configured yet\n']) {
      expect(parseConfig(text)).toEqual({ ok: true, config: DEFAULT_CONFIG });
    }
    // DEFAULT_CONFIG is written out so that runs without a config file never load the schema: it must be
    // exactly what the schema gives for an empty file.
    expect(DEFAULT_CONFIG).toStrictEqual(configSchema.parse({}));
  });

  it('reads every key of a full file', () => {
    const config = parseOk(`
rules:
  blocking-sleep: warning
  ASYNC251: off
  Blocking-Sleep: false
paths:
  include: ["src/**", "tests/**"]
  exclude: src/vendored/**
filter: diff_context
review:
  event: REQUEST_CHANGES
  max_comments: 10
check:
  fail_on: warning
pytest:
  asyncio_mode: auto
`);
    expect(config).toEqual({
      rules: { 'blocking-sleep': 'warning', ASYNC251: 'off', 'Blocking-Sleep': 'off' },
      paths: { include: ['src/**', 'tests/**'], exclude: ['src/vendored/**'] },
      filter: 'diff_context',
      review: { event: 'REQUEST_CHANGES', max_comments: 10 },
      check: { fail_on: 'warning' },
      pytest: { asyncio_mode: 'auto' },
    });
  });

  it('fills in defaults inside partially given sections', () => {
    const config = parseOk('review:\n  max_comments: 5\n');
    expect(config.review).toEqual({ event: 'COMMENT', max_comments: 5 });
    expect(config.check.fail_on).toBe('error');
  });

  it('names the key and the bad value for an invalid severity', () => {
    const error = parseError('rules:\n  blocking-sleep: warn\n');
    expect(error).toMatch(/^rules\.blocking-sleep: /);
    expect(error).toContain('"warning"');
    expect(error).toContain('(got "warn")');
  });

  it('names unknown keys and lists the expected ones', () => {
    expect(parseError('filters: file\n')).toBe(
      'filters: unknown key (expected one of: rules, paths, filter, review, check, pytest)',
    );
    expect(parseError('review:\n  evnt: COMMENT\n')).toBe('review.evnt: unknown key (expected one of: event, max_comments)');
  });

  it('reports every problem, one per line', () => {
    const error = parseError('review:\n  event: APPROVE\n  max_comments: -1\ncheck:\n  fail_on: never\n');
    const lines = error.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^review\.event: .*"COMMENT".*\(got "APPROVE"\)$/);
    expect(lines[1]).toMatch(/^review\.max_comments: .*>=0.*\(got -1\)$/);
    expect(lines[2]).toMatch(/^check\.fail_on: .*\(got "never"\)$/);
  });

  it('rejects a max_comments that is not a whole number in range', () => {
    expect(parseError('review:\n  max_comments: 2.5\n')).toMatch(/^review\.max_comments: /);
    expect(parseError('review:\n  max_comments: 1000\n')).toMatch(/^review\.max_comments: .*<=100/);
    expect(parseError('review:\n  max_comments: "ten"\n')).toMatch(/^review\.max_comments: .*number/);
  });

  it('rejects a rule that is not in the catalog and suggests the closest name', () => {
    expect(parseError('rules:\n  blocking-slep: off\n')).toBe(
      'rules.blocking-slep: unknown rule "blocking-slep" (did you mean "blocking-sleep"?); `async-review rules` lists them',
    );
    expect(parseError('rules:\n  no-such-thing-at-all: off\n')).toMatch(/^rules\.no-such-thing-at-all: unknown rule "no-such-thing-at-all"; /);
  });

  it('accepts every rule name and alias of the catalog', () => {
    // An alias may name several rules (ruff's ASYNC119 covers both cancel-scope-yield and yield-in-context-manager).
    const names = [...new Set(allRules.flatMap((rule) => [rule.name, ...rule.aliases]))];
    const config = parseOk(`rules:\n${names.map((name) => `  ${name}: info`).join('\n')}\n`);
    expect(Object.keys(config.rules)).toEqual(names);
  });

  it('gives YAML syntax errors with their line', () => {
    expect(parseError('rules:\n  blocking-sleep: off\n\tASYNC210: off\n')).toMatch(/^invalid YAML: .*at line 3, column 1$/);
    expect(parseError('filter: added\nfilter: file\n')).toMatch(/^invalid YAML: Map keys must be unique at line 2/);
  });

  it('rejects a file that is not a mapping', () => {
    expect(parseError('- rules\n')).toMatch(/must be a mapping/);
    expect(parseError('just text\n')).toMatch(/must be a mapping/);
  });

  it('rejects a section of the wrong type', () => {
    expect(parseError('review: 3\n')).toMatch(/^review: .*expected object/);
    expect(parseError('paths:\n  exclude: [""]\n')).toBe('paths.exclude.0: a glob cannot be empty (got "")');
  });
});

describe('toAnalyzeOptions', () => {
  it('passes rule settings and the pytest mode to the analyzer', () => {
    const config = parseOk('rules:\n  ASYNC251: off\n  blocking-sleep: warning\npytest:\n  asyncio_mode: auto\n');
    expect(toAnalyzeOptions(config)).toEqual({
      ruleSettings: { ASYNC251: 'off', 'blocking-sleep': 'warning' },
      project: { asyncTestsRunAutomatically: true },
    });
  });

  it('leaves project knowledge unknown when pytest mode is not configured', () => {
    expect(toAnalyzeOptions(DEFAULT_CONFIG)).toEqual({ ruleSettings: {} });
    expect(toAnalyzeOptions(parseOk('pytest:\n  asyncio_mode: strict\n')).project).toEqual({
      asyncTestsRunAutomatically: false,
    });
  });
});

describe('isPathIncluded', () => {
  it('includes everything by default', () => {
    expect(isPathIncluded(DEFAULT_CONFIG, 'app/main.py')).toBe(true);
    expect(isPathIncluded(DEFAULT_CONFIG, '.hidden/x.py')).toBe(true);
  });

  it('applies include, then exclude', () => {
    const config = parseOk('paths:\n  include: ["src/**"]\n  exclude: ["src/vendored/**", "**/*_pb2.py"]\n');
    expect(isPathIncluded(config, 'src/app/main.py')).toBe(true);
    expect(isPathIncluded(config, 'tests/test_main.py')).toBe(false);
    expect(isPathIncluded(config, 'src/vendored/lib.py')).toBe(false);
    expect(isPathIncluded(config, 'src/api/service_pb2.py')).toBe(false);
    expect(isPathIncluded(config, './src/app/main.py')).toBe(true);
  });
});

describe('the README', () => {
  it("documents a config example that parses, under the App's section", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## The GitHub App'));
    const example = /### Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const config = parseOk(example!);
    expect(config.filter).toBe('added');
    expect(config.paths.exclude).toContain('src/vendored/**');
  });
});

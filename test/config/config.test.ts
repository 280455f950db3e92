import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { analyzeFiles } from '../../src/analyzer/index.js';
import { DEFAULT_CONFIG, isPathIncluded, toAnalyzeOptions, type Config } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/parse.js';
import { selectRules } from '../../src/analyzer/engine.js';
import { findingSeverity } from '../../src/analyzer/selection.js';
import { KNOWLEDGE } from '../../src/analyzer/knowledge/index.js';
import { renderRuleDoc } from '../../src/render/rule-doc.js';
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
per-file-ignores:
  "tests/**": [blocking-sleep, ASYNC2]
  conftest.py: ASYNC
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
target-version: "3.9"
blocking:
  report_in_tests: true
imports:
  source_roots: [lib]
production_only:
  report_in_tests: true
`);
    expect(config).toEqual({
      imports: { follow: true, source_roots: ['lib'] },
      rules: { 'blocking-sleep': 'warning', ASYNC251: 'off', 'Blocking-Sleep': 'off' },
      'per-file-ignores': { 'tests/**': ['blocking-sleep', 'ASYNC2'], 'conftest.py': ['ASYNC'] },
      paths: { include: ['src/**', 'tests/**'], exclude: ['src/vendored/**'] },
      filter: 'diff_context',
      review: { event: 'REQUEST_CHANGES', max_comments: 10 },
      check: { fail_on: 'warning' },
      pytest: { asyncio_mode: 'auto' },
      'target-version': '3.9',
      blocking: { report_in_tests: true, report_in_scripts: false, report_in_worker_threads: false },
      production_only: { report_in_tests: true },
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
      'filters: unknown key (expected one of: rules, per-file-ignores, paths, filter, review, check, target-version, blocking, production_only, blocking_calls, imports, pytest)',
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

  it('reports unknown rule names together with the other problems, in the order of the file', () => {
    expect(parseError('review:\n  max_comments: -1\nrules:\n  blocking-slep: off\n  ASYNC251: loud\nper-file-ignores:\n  "a.py": NOPE9\n').split('\n')).toEqual([
      expect.stringMatching(/^review\.max_comments: /),
      expect.stringMatching(/^rules\.blocking-slep: unknown rule/),
      expect.stringMatching(/^rules\.ASYNC251: .*\(got "loud"\)$/),
      expect.stringMatching(/^per-file-ignores\."a\.py": unknown rule "NOPE9"/),
    ]);
  });

  it('accepts rule names, aliases and alias prefixes in per-file-ignores, one or a list', () => {
    expect(parseOk('per-file-ignores:\n  "*.py": ASYNC\n  "t/**": [missing-await, ASYNC2, async251]\n')['per-file-ignores']).toEqual({ '*.py': ['ASYNC'], 't/**': ['missing-await', 'ASYNC2', 'async251'] });
    expect(parseError('per-file-ignores:\n  "t/**": [asyncio2x]\n')).toMatch(/^per-file-ignores\."t\/\*\*"\.0: /);
    expect(parseError('per-file-ignores:\n  "t/**": 3\n')).toMatch(/^per-file-ignores\."t\/\*\*": /);
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
  it('passes per-file ignores to the analyzer only when some are configured', () => {
    expect(toAnalyzeOptions(parseOk('per-file-ignores:\n  "tests/**": [ASYNC2]\n')).perFileIgnores).toEqual({ globs: { 'tests/**': ['ASYNC2'] } });
    expect(toAnalyzeOptions(DEFAULT_CONFIG).perFileIgnores).toBeUndefined();
  });

  it('drops per-file ignored findings in the analyzer, on repository-relative paths as the App gives them', async () => {
    const blocking = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n    open("x")\n';
    // blocking-file-io is off by default: turned on here, so that ASYNC230 has findings to drop.
    const options = toAnalyzeOptions(parseOk('rules:\n  blocking-file-io: warning\nper-file-ignores:\n  "scripts/**": [blocking-sleep]\n  "legacy.py": [ASYNC230]\n'));
    const files = ['scripts/poll.py', 'src/legacy.py', 'src/poll.py'].map((path) => ({ path, content: blocking }));
    const { findings } = await analyzeFiles(files, options);
    expect(findings.map((f) => `${f.path}:${f.line} ${f.rule}`)).toEqual([
      'scripts/poll.py:7 blocking-file-io', 'src/legacy.py:6 blocking-sleep', 'src/poll.py:6 blocking-sleep', 'src/poll.py:7 blocking-file-io',
    ]);
  });

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

describe('rules off by default', () => {
  const offByDefault = allRules.filter((rule) => rule.defaultEnabled === false);
  // The rules whose queries run, each with the severity of a finding it reports under no particular alias.
  const selected = (options: Parameters<typeof selectRules>[1]) => selectRules(allRules, options).map(({ rule }) => `${rule.name}:${findingSeverity(rule, undefined, options)}`);

  it('unbounded-gather is one, and says why in its docs', () => {
    expect(offByDefault.map((rule) => rule.name)).toContain('unbounded-gather');
    for (const rule of offByDefault) {
      expect(rule.note, rule.name).toBeTruthy();
      expect(renderRuleDoc(rule)).toContain('off by default');
      expect(renderRuleDoc(rule)).toContain(rule.note!);
    }
  });

  it('run only when the config gives them a severity or --select names them', () => {
    expect(selected({})).not.toContain('unbounded-gather:info');
    // A rule off by default that a library enforces (Home Assistant: blocking-file-io) still runs, for the modules
    // that import that library (see test/analyzer/enforced-rules.test.ts).
    const enforced = offByDefault.filter((rule) => KNOWLEDGE.enforcedBy.has(rule.name));
    expect(enforced.map((rule) => rule.name)).toContain('blocking-file-io');
    expect(selected({})).toHaveLength(allRules.length - offByDefault.length + enforced.length);
    expect(selected(toAnalyzeOptions(parseOk('rules:\n  unbounded-gather: warning\n')))).toContain('unbounded-gather:warning');
    expect(selected(toAnalyzeOptions(parseOk('rules:\n  unbounded-gather: off\n')))).not.toContain('unbounded-gather:info');
    expect(selected({ select: ['unbounded-gather'] })).toEqual(['unbounded-gather:info']);
    expect(selected({ select: ['Unbounded-Gather', 'blocking-sleep'] })).toEqual(['blocking-sleep:error', 'unbounded-gather:info']);
    // Named and switched off: off wins, as for any rule.
    expect(selected({ select: ['unbounded-gather'], ruleSettings: { 'unbounded-gather': 'off' } })).toEqual([]);
    expect(selected({ select: ['unbounded-gather'], ignore: ['unbounded-gather'] })).toEqual([]);
  });

  it("are turned on by an alias's setting only for the findings that answer to that alias", async () => {
    // blocking-file-io is off by default; it reports open() as ASYNC230, os.path and pathlib as ASYNC240, and
    // directory listings under no alias.
    const source = 'import asyncio\nimport os\n\n\nasync def load():\n    open("a")\n    os.path.exists("b")\n    os.listdir(".")\n';
    const run = async (options: Parameters<typeof analyzeFiles>[1]) =>
      (await analyzeFiles([{ path: 'src/load.py', content: source }], options)).findings.map((f) => `${f.line} ${f.rule} ${f.severity} ${f.alias ?? '-'}`);
    expect(await run(toAnalyzeOptions(DEFAULT_CONFIG))).toEqual([]);
    expect(await run(toAnalyzeOptions(parseOk('rules:\n  ASYNC240: warning\n')))).toEqual(['7 blocking-file-io warning ASYNC240']);
    expect(await run(toAnalyzeOptions(parseOk('rules:\n  ASYNC230: error\n')))).toEqual(['6 blocking-file-io error ASYNC230']);
    expect(await run(toAnalyzeOptions(parseOk('rules:\n  blocking-file-io: warning\n  ASYNC230: error\n')))).toEqual([
      '6 blocking-file-io error ASYNC230', '7 blocking-file-io warning ASYNC240', '8 blocking-file-io warning -',
    ]);
    // Named exactly by --select, an alias turns on its findings alone; a prefix turns on nothing that is off.
    expect(await run({ select: ['ASYNC240'] })).toEqual(['7 blocking-file-io warning ASYNC240']);
    expect(await run({ select: ['ASYNC2'] })).toEqual([]);
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
  it('documents a config example that parses, in its Configuration section', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /^## Configuration[\s\S]*?```yaml\n([\s\S]*?)```/m.exec(readme)?.[1];
    expect(example).toBeDefined();
    const config = parseOk(example!);
    expect(config.filter).toBe('added');
    expect(config.paths.exclude).toContain('src/vendored/**');
  });
});

// The report's shapes: concise (the default off a terminal) and full, --statistics, --output-file, reviewdog's
// rdjson, and GitHub annotations past GitHub's per-step limit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { enableBlockingFileIo, makeProject, runCli } from '../helpers/cli.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
const FILE_IO = 'import asyncio\n\n\nasync def load():\n    open("a")\n    open("b")\n    x = "é"; open("c")\n';
// blocking-file-io is off by default: the projects whose reports show its findings turn it on.

describe('concise and full formats', () => {
  it('prints one line per finding with its severity when stdout is not a terminal', () => {
    const root = enableBlockingFileIo(makeProject({ 'poll.py': BLOCKING, 'load.py': FILE_IO }));
    const { status, stdout } = runCli(['check'], root);
    expect(status).toBe(1);
    expect(stdout.split('\n')).toEqual([
      'load.py:5:5: warning blocking-file-io `open("a")` opens a file with blocking I/O in coroutine `load`; use `aiofiles.open` or do the file work in `await asyncio.to_thread(...)`',
      expect.stringMatching(/^load\.py:6:5: warning blocking-file-io /),
      expect.stringMatching(/^load\.py:7:14: warning blocking-file-io /),
      'poll.py:6:5: error blocking-sleep `time.sleep(1)` blocks the event loop in coroutine `poll`; use `await asyncio.sleep()`',
      'Found 4 findings in 2 files (1 fixable with `--fix`).',
      '',
    ]);
  });

  it("shows a rule's corrected example once, not under every finding", () => {
    const root = enableBlockingFileIo(makeProject({ 'load.py': FILE_IO }));
    const { stdout } = runCli(['check', '--format', 'full'], root);
    expect(stdout).toContain('load.py:5:5: warning blocking-file-io `open("a")`');
    expect(stdout.match(/= corrected form \(see `async-review rule blocking-file-io`\):/g)).toHaveLength(1);
    expect(stdout.match(/async def load_config\(name\):/g)).toHaveLength(1);
    expect(stdout.match(/= corrected form: as shown above for blocking-file-io/g)).toHaveLength(2);
    expect(runCli(['check', '--format', 'text'], root).stdout).toBe(stdout); // the full format's old name
  });
});

describe('--statistics', () => {
  it('counts findings per rule with their severity and how many are fixable, most frequent first', () => {
    const root = enableBlockingFileIo(makeProject({ 'poll.py': BLOCKING, 'load.py': FILE_IO }));
    const { status, stdout } = runCli(['check', '--statistics'], root);
    expect(status).toBe(1);
    expect(stdout).toBe('3  blocking-file-io  warning\n1  blocking-sleep    error    1 fixable\n');
    const json = JSON.parse(runCli(['check', '--statistics', '--format', 'json'], root).stdout);
    expect(json).toEqual([
      { rule: 'blocking-file-io', severity: 'warning', count: 3, fixable: 0 },
      { rule: 'blocking-sleep', severity: 'error', count: 1, fixable: 1 },
    ]);
  });

  it('cannot be combined with --diff', () => {
    const { status, stderr } = runCli(['check', '--statistics', '--diff'], makeProject({ 'poll.py': BLOCKING }));
    expect(status).toBe(2);
    expect(stderr).toContain("option '--diff' cannot be used with option '--statistics'");
  });
});

describe('--output-file', () => {
  it('writes the report to the file (its folders made) and nothing to stdout', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    const { status, stdout } = runCli(['check', '--format', 'json', '--output-file', 'reports/async.json'], root);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(JSON.parse(readFileSync(join(root, 'reports/async.json'), 'utf8')).findings).toHaveLength(1);
    // Without --format, a file gets the concise format (it is not a terminal).
    runCli(['check', '--output-file', 'out.txt'], root);
    expect(readFileSync(join(root, 'out.txt'), 'utf8')).toMatch(/^poll\.py:6:5: error blocking-sleep /);
  });
});

// reviewdog's Diagnostic Format (proto/rdf/reviewdog.proto), written out as a JSON schema that allows only its
// fields, so that a misspelt key fails.
const position = { type: 'object', additionalProperties: false, properties: { line: { type: 'integer', minimum: 1 }, column: { type: 'integer', minimum: 1 } } };
const range = { type: 'object', additionalProperties: false, required: ['start'], properties: { start: position, end: position } };
const RDJSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['diagnostics'],
  properties: {
    source: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, url: { type: 'string' } } },
    severity: { enum: ['UNKNOWN_SEVERITY', 'ERROR', 'WARNING', 'INFO'] },
    diagnostics: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['message', 'location'],
        properties: {
          message: { type: 'string' },
          location: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: { type: 'string' }, range } },
          severity: { enum: ['UNKNOWN_SEVERITY', 'ERROR', 'WARNING', 'INFO'] },
          source: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, url: { type: 'string' } } },
          code: { type: 'object', additionalProperties: false, required: ['value'], properties: { value: { type: 'string' }, url: { type: 'string' } } },
          suggestions: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['range', 'text'], properties: { range, text: { type: 'string' } } } },
          original_output: { type: 'string' },
        },
      },
    },
  },
};

describe('--format rdjson', () => {
  it("writes reviewdog's DiagnosticResult, with UTF-8 byte columns and line-wise suggestions for fixes", () => {
    const root = enableBlockingFileIo(makeProject({ 'poll.py': BLOCKING, 'load.py': FILE_IO }));
    const { status, stdout } = runCli(['check', '--format', 'rdjson'], root);
    expect(status).toBe(1);
    const result = JSON.parse(stdout);
    const ajv = new AjvDraft04({ strict: false, allErrors: true });
    expect(ajv.validate(RDJSON_SCHEMA, result), JSON.stringify(ajv.errors)).toBe(true);
    expect(ajv.validate(RDJSON_SCHEMA, { diagnostics: [{ message: 'x', location: { path: 'a', rnage: {} } }] }), 'the schema rejects a misspelt key').toBe(false);
    expect(result.source.name).toBe('async-review');
    const byLine = (path: string, line: number) => result.diagnostics.find((d: { location: { path: string; range: { start: { line: number } } } }) => d.location.path === path && d.location.range.start.line === line);
    expect(byLine('poll.py', 6)).toEqual({
      message: expect.stringContaining('time.sleep(1)'),
      location: { path: 'poll.py', range: { start: { line: 6, column: 5 }, end: { line: 6, column: 18 } } },
      severity: 'ERROR',
      code: { value: 'blocking-sleep', url: expect.stringMatching(/\/blocking-sleep\.md$/) },
      suggestions: [{ range: { start: { line: 6 }, end: { line: 6 } }, text: '    await asyncio.sleep(1)' }],
    });
    // `x = "é"; open("c")`: `open` is the 14th code point but the 15th byte (é takes two).
    expect(byLine('load.py', 7)).toMatchObject({ severity: 'WARNING', location: { range: { start: { line: 7, column: 15 }, end: { line: 7, column: 24 } } } });
    expect(byLine('load.py', 7).suggestions).toBeUndefined();
  });
});

describe('--format github past GitHub\'s annotation limits', () => {
  it('annotates 10 of each level and says in a last notice how many more there are and where', () => {
    const many = `import asyncio\nimport time\n\n\nasync def poll():\n${'    time.sleep(1)\n'.repeat(12)}${'    open("x")\n'.repeat(3)}`;
    const root = enableBlockingFileIo(makeProject({ 'poll.py': many }));
    const { stdout } = runCli(['check', '--format', 'github'], root);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('::error ')).length).toBe(10);
    expect(lines.filter((line) => line.startsWith('::warning ')).length).toBe(3);
    expect(lines).toContain('poll.py:16:5: error blocking-sleep `time.sleep(1)` blocks the event loop in coroutine `poll`; use `await asyncio.sleep()`');
    expect(lines.at(-1)).toMatch(/^::notice title=async-review%3A more findings::2 more findings are not annotated, as GitHub shows only 10 annotations of each level per step: they are listed in this step's log, and `async-review check` lists every finding\.$/);
  });

  it('keeps a place for that notice among 10 notices', () => {
    const getLoop = (i: number) => `async def run${i}(work):\n    loop = asyncio.get_event_loop()\n    return await loop.run_in_executor(None, work)\n\n\n`;
    const root = makeProject({ '.git/HEAD': '', 'run.py': `import asyncio\n\n\n${Array.from({ length: 11 }, (_, i) => getLoop(i)).join('')}` });
    const lines = runCli(['check', '--format', 'github', '.'], root).stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('::notice ')).length).toBe(10);
    expect(lines.at(-1)).toMatch(/^::notice title=async-review%3A more findings::2 more findings are not annotated/);
  });
});

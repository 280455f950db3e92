// The report's shapes: concise (the default off a terminal) and full, --statistics, --output-file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
const FILE_IO = 'import asyncio\n\n\nasync def load():\n    open("a")\n    open("b")\n    x = "é"; open("c")\n';

describe('concise and full formats', () => {
  it('prints one line per finding with its severity when stdout is not a terminal', () => {
    const root = makeProject({ 'poll.py': BLOCKING, 'load.py': FILE_IO });
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
    const root = makeProject({ 'load.py': FILE_IO });
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
    const root = makeProject({ 'poll.py': BLOCKING, 'load.py': FILE_IO });
    const { status, stdout } = runCli(['check', '--statistics'], root);
    expect(status).toBe(1);
    expect(stdout).toBe('3  blocking-file-io  warning\n1  blocking-sleep    error    1 fixable\n');
    const json = JSON.parse(runCli(['check', '--statistics', '--format', 'json'], root).stdout);
    expect(json).toEqual([
      { rule: 'blocking-file-io', severity: 'warning', count: 3, fixable: 0 },
      { rule: 'blocking-sleep', severity: 'error', count: 1, fixable: 1 },
    ]);
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

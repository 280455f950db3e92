// Per-file ignores, and every config error reported in one run.
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
// A server-starting test module, so blocking calls matter in it too.
const BLOCKING_TEST = 'import asyncio\nimport time\n\nimport pytest\n\n\n@pytest.mark.asyncio\nasync def test_poll():\n    task = asyncio.create_task(asyncio.sleep(1))\n    time.sleep(1)\n    await task\n';

const findings = (stdout: string) => (JSON.parse(stdout) as { findings: { path: string; rule: string; severity: string }[] }).findings.map((f) => `${f.path} ${f.rule} ${f.severity}`);

describe('per-file-ignores', () => {
  it('drops the named rules, aliases and prefixes in matching files, from any working directory', () => {
    const root = makeProject({
      '.git/HEAD': '',
      '.github/async-review.yml': 'per-file-ignores:\n  "tests/**": [blocking-sleep]\n  "legacy_*.py": ASYNC2\n',
      'tests/test_poll.py': BLOCKING_TEST,
      'src/legacy_io.py': BLOCKING,
      'src/poll.py': BLOCKING,
    });
    expect(findings(runCli(['check', '--format', 'json'], root).stdout)).toEqual(['src/poll.py blocking-sleep error']);
    const unconfigured = makeProject({ 'tests/test_poll.py': BLOCKING_TEST, 'src/legacy_io.py': BLOCKING });
    expect(findings(runCli(['check', '--format', 'json'], unconfigured).stdout)).toEqual(['src/legacy_io.py blocking-sleep error', 'tests/test_poll.py blocking-sleep error']);
    // Globs are relative to the project root, whatever the working directory.
    expect(findings(runCli(['check', '--format', 'json', '.'], `${root}/tests`).stdout)).toEqual([]);
    expect(findings(runCli(['check', '--format', 'json', '../tests', '.'], `${root}/src`).stdout)).toEqual(['poll.py blocking-sleep error']);
  });
});

describe('config errors', () => {
  it('reports every problem in one run, each with its key path, in the order of the file', () => {
    const root = makeProject({
      '.github/async-review.yml': [
        'rules:',
        '  blocking-slep: off',
        '  ASYNC230: loud',
        'per-file-ignores:',
        '  "tests/**": [ASYNC9, blocking-sleep]',
        'review:',
        '  max_comments: -1',
        'filters: file',
        '',
      ].join('\n'),
      'poll.py': BLOCKING,
    });
    const { status, stderr } = runCli(['check'], root);
    expect(status).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'async-review: invalid .github/async-review.yml:',
      'rules.blocking-slep: unknown rule "blocking-slep" (did you mean "blocking-sleep"?); `async-review rules` lists them',
      expect.stringMatching(/^rules\.ASYNC230: .*"off".*\(got "loud"\)$/),
      expect.stringMatching(/^per-file-ignores\."tests\/\*\*"\.0: unknown rule "ASYNC9"/),
      expect.stringMatching(/^review\.max_comments: .*>=0 \(got -1\)$/),
      expect.stringMatching(/^filters: unknown key \(expected one of: rules, per-file-ignores, /),
    ]);
  });
});

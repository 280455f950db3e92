// Where the CLI's config comes from (--config, .github/async-review.yml, [tool.async-review] in pyproject.toml),
// per-file ignores, and every config error reported in one run.
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
// A server-starting test module, so blocking calls matter in it too (a test that starts no server blocks only itself).
const BLOCKING_TEST = 'import asyncio\nimport time\n\nimport pytest\n\n\n@pytest.mark.asyncio\nasync def test_poll(handle):\n    server = await asyncio.start_server(handle, "127.0.0.1", 0)\n    time.sleep(1)\n    server.close()\n';

const findings = (stdout: string) => (JSON.parse(stdout) as { findings: { path: string; rule: string; severity: string }[] }).findings.map((f) => `${f.path} ${f.rule} ${f.severity}`);

describe('config in pyproject.toml', () => {
  it('reads [tool.async-review] with the same keys as the YAML file', () => {
    const root = makeProject({
      'pyproject.toml': '[project]\nname = "x"\n\n[tool.async-review.rules]\nblocking-sleep = "warning"\n\n[tool.async-review.per-file-ignores]\n"tests/**" = ["ASYNC2"]\n',
      'src/poll.py': BLOCKING,
      'tests/test_poll.py': BLOCKING_TEST,
    });
    const { status, stdout } = runCli(['check', '--format', 'json'], root);
    expect(findings(stdout)).toEqual(['src/poll.py blocking-sleep warning']);
    expect(status).toBe(0);
  });

  it('finds the project root by a pyproject.toml that configures async-review', () => {
    const root = makeProject({
      '.git/HEAD': '',
      'pkg/pyproject.toml': '[tool.async-review]\nrules = { blocking-sleep = "off" }\n',
      'pkg/src/poll.py': BLOCKING,
    });
    expect(runCli(['check', 'pkg'], root).status).toBe(0);
  });

  it('refuses a project configured in both files', () => {
    const root = makeProject({
      '.github/async-review.yml': 'rules:\n  blocking-sleep: off\n',
      'pyproject.toml': '[tool.async-review]\nrules = { blocking-sleep = "info" }\n',
      'poll.py': BLOCKING,
    });
    const { status, stderr } = runCli(['check'], root);
    expect(status).toBe(2);
    expect(stderr).toContain('both .github/async-review.yml and [tool.async-review] in pyproject.toml configure async-review');
    // --config settles it.
    expect(runCli(['check', '--config', '.github/async-review.yml'], root).status).toBe(0);
  });

  it('ignores a pyproject.toml without the table, and reports TOML syntax errors with their line', () => {
    expect(runCli(['check'], makeProject({ 'pyproject.toml': '[tool.ruff]\nline-length = 100\n', 'poll.py': BLOCKING })).status).toBe(1);
    const broken = makeProject({ 'pyproject.toml': '[tool.async-review]\nrules = {\n', 'poll.py': BLOCKING });
    const { status, stderr } = runCli(['check'], broken);
    expect(status).toBe(2);
    expect(stderr).toMatch(/invalid \[tool\.async-review\] in pyproject\.toml:\ninvalid TOML: .* at line \d+, column \d+/);
  });
});

describe('--config', () => {
  it('uses the named file instead of the project’s, YAML or TOML', () => {
    const root = makeProject({
      '.github/async-review.yml': 'rules:\n  blocking-sleep: off\n',
      'ci/strict.yml': 'rules:\n  blocking-sleep: error\n',
      'ci/lenient.toml': 'rules = { blocking-sleep = "info" }\n',
      'ci/pyproject.toml': '[tool.async-review.rules]\nblocking-sleep = "warning"\n',
      'poll.py': BLOCKING,
    });
    expect(runCli(['check'], root).status).toBe(0);
    expect(findings(runCli(['check', '--format', 'json', '--config', 'ci/strict.yml'], root).stdout)).toEqual(['poll.py blocking-sleep error']);
    expect(findings(runCli(['check', '--format', 'json', '--config', 'ci/lenient.toml'], root).stdout)).toEqual(['poll.py blocking-sleep info']);
    expect(findings(runCli(['check', '--format', 'json', '--config', 'ci/pyproject.toml'], root).stdout)).toEqual(['poll.py blocking-sleep warning']);
  });

  it('says when the file is missing or has no table for us', () => {
    const root = makeProject({ 'poll.py': BLOCKING, 'pyproject.toml': '[project]\nname = "x"\n' });
    const missing = runCli(['check', '--config', 'nope.yml'], root);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--config nope.yml: no such file');
    expect(runCli(['check', '--config', 'pyproject.toml'], root).stderr).toContain('pyproject.toml has no [tool.async-review] table');
  });
});

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
        '  "tests/**": [ASYNC8, blocking-sleep]',
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
      expect.stringMatching(/^per-file-ignores\."tests\/\*\*"\.0: unknown rule "ASYNC8"/),
      expect.stringMatching(/^review\.max_comments: .*>=0 \(got -1\)$/),
      expect.stringMatching(/^filters: unknown key \(expected one of: rules, per-file-ignores, /),
    ]);
  });
});

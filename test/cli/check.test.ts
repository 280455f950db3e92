import { closeSync, existsSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { CLI, makeProject, runCli } from '../helpers/cli.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
const CLEAN = 'import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n';

describe('async-review check', () => {
  it('prints findings like ruff, with the quoted code and the fix, and exits 1', () => {
    const root = makeProject({ 'app/poll.py': BLOCKING });
    const { status, stdout } = runCli(['check', '--no-color', '--format', 'full'], root);
    expect(status).toBe(1);
    expect(stdout).toContain('app/poll.py:6:5: error blocking-sleep `time.sleep(1)` blocks the event loop in coroutine `poll`');
    expect(stdout).toContain('6 |     time.sleep(1)');
    expect(stdout).toMatch(/= fix:\n6 \|     await asyncio\.sleep\(1\)/);
    expect(stdout).toContain('Found 1 finding in 1 file (1 fixable with `--fix`).');
  });

  it('exits 0 on clean code', () => {
    const root = makeProject({ 'poll.py': CLEAN });
    const { status, stdout } = runCli(['check', '.'], root);
    expect(status).toBe(0);
    expect(stdout).toContain('No asyncio pitfalls found.');
  });

  it('writes version-1 JSON with paths relative to the working directory', () => {
    const root = makeProject({ 'pkg/sub/poll.py': BLOCKING });
    const { status, stdout } = runCli(['check', '--format', 'json', 'pkg'], root);
    expect(status).toBe(1);
    const output = JSON.parse(stdout);
    expect(output.version).toBe(1);
    expect(output.findings).toEqual([{
      rule: 'blocking-sleep', severity: 'error', path: 'pkg/sub/poll.py', line: 6, column: 5, endLine: 6, endColumn: 18,
      message: expect.stringContaining('time.sleep(1)'), code: '    time.sleep(1)',
      fix: { line: 6, endLine: 6, replacement: '    await asyncio.sleep(1)' },
    }]);
  });

  it('writes SARIF 2.1.0 that validates against the schema, with rule help and fingerprints', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    const { stdout } = runCli(['check', '--format', 'sarif'], root);
    const sarif = JSON.parse(stdout);
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new AjvDraft04({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
    const valid = ajv.validate(schema, sarif);
    expect(ajv.errors ?? [], 'SARIF schema errors').toEqual([]);
    expect(valid).toBe(true);
    expect(ajv.validate(schema, { version: '2.1.0', runs: [{ tool: {} }] }), 'the validator rejects a run without a driver').toBe(false);
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'blocking-sleep');
    expect(rule.help.markdown).toContain('asyncio.sleep');
    expect(rule.defaultConfiguration).toEqual({ level: 'error' });
    expect(run.tool.driver.rules.find((r: { id: string }) => r.id === 'unbounded-gather').defaultConfiguration).toEqual({ level: 'note', enabled: false });
    expect(run.results[0]).toMatchObject({ ruleId: 'blocking-sleep', level: 'error' });
    expect(run.results[0].partialFingerprints['asyncReviewFingerprint/v1']).toMatch(/^[0-9a-f]{20}$/);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('poll.py');
  });

  it('writes SARIF locations a URI parser reads back as the path, and fixes that keep line ends', () => {
    const root = makeProject({ 'src:x/a b#1%.py': BLOCKING.trimEnd() });
    const { stdout } = runCli(['check', '--format', 'sarif'], root);
    const [result] = JSON.parse(stdout).runs[0].results;
    const { uri } = result.locations[0].physicalLocation.artifactLocation;
    expect(uri).toBe('src%3Ax/a%20b%231%25.py');
    expect(decodeURIComponent(new URL(uri, 'file:///root/').pathname)).toBe('/root/src:x/a b#1%.py');
    // The last line has no newline: the fix replaces its text (an absent endColumn is the end of the line).
    expect(result.fixes[0].artifactChanges[0].replacements).toEqual([{
      deletedRegion: { startLine: 6, startColumn: 1, endLine: 6 },
      insertedContent: { text: '    await asyncio.sleep(1)' },
    }]);
  });

  it('puts the carets under the code when the line has tabs or wide characters', () => {
    const root = makeProject({ 'poll.py': 'import asyncio\nimport time\n\n\nasync def poll():\n\tx = "🎉"; time.sleep(1)\n' });
    const { stdout } = runCli(['check', '--no-color', '--format', 'full'], root);
    expect(stdout).toContain('6 | \tx = "🎉"; time.sleep(1)\n  | \t          ^^^^^^^^^^^^^\n');
  });

  it('writes GitHub Actions workflow commands', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    const { stdout } = runCli(['check', '--format', 'github'], root);
    expect(stdout.trim()).toMatch(/^::error file=poll\.py,line=6,endLine=6,col=5,endColumn=18,title=async-review%3A blocking-sleep::`time\.sleep\(1\)` blocks/);
  });

  it('selects and ignores rules by name, alias or alias prefix', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    expect(runCli(['check', '--ignore', 'ASYNC251'], root).status).toBe(0);
    expect(runCli(['check', '--ignore', 'blocking-sleep'], root).status).toBe(0);
    expect(runCli(['check', '--select', 'ASYNC2'], root).status).toBe(1);
    expect(runCli(['check', '--select', 'missing-await'], root).status).toBe(0);
  });

  it('runs a rule that is off by default only when --select names it or the config gives it a severity', () => {
    const fanOut = 'import asyncio\n\n\nasync def fetch_all(client, urls):\n    return await asyncio.gather(*[client.get(url) for url in urls])\n';
    const root = makeProject({ 'fan_out.py': fanOut });
    expect(runCli(['check'], root).status).toBe(0);
    expect(runCli(['check', '--select', 'unbounded-gather'], root).stdout).toContain('unbounded-gather');
    const configured = makeProject({ 'fan_out.py': fanOut, '.github/async-review.yml': 'rules:\n  unbounded-gather: warning\n' });
    const { stdout } = runCli(['check', '--format', 'json'], configured);
    expect(JSON.parse(stdout).findings.map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`)).toEqual(['unbounded-gather:warning']);
  });

  it('refuses a --select or --ignore that names no rule, with the closest name', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    const typo = runCli(['check', '--select', 'blocking-slep'], root);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown rule "blocking-slep" (did you mean "blocking-sleep"?)');
    expect(runCli(['check', '--ignore', 'ASYNC8'], root).status).toBe(2); // a prefix no alias starts with
  });

  it('splits a large tree across worker threads and reports exactly what one thread would, in path order', () => {
    const filler = 'async def handler(request):\n    return await request.json()\n\n'.repeat(400);
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`pkg/m${String(i).padStart(2, '0')}.py`] = `${BLOCKING}\n${filler}`;
    files['pkg/plain.py'] = 'x = 1\n';
    const root = makeProject(files);
    const { status, stdout } = runCli(['check', '--format', 'json'], root);
    expect(status).toBe(1);
    const findings = JSON.parse(stdout).findings as { path: string; line: number; rule: string }[];
    expect(findings.map((f) => `${f.path}:${f.line} ${f.rule}`)).toEqual(
      Object.keys(files).filter((path) => path !== 'pkg/plain.py').map((path) => `${path}:6 blocking-sleep`),
    );
  });

  it('skips .git, node_modules, virtual environments and __pycache__', () => {
    const root = makeProject({
      '.git/hooks/x.py': BLOCKING, 'node_modules/pkg/x.py': BLOCKING, 'env/pyvenv.cfg': '', 'env/lib/x.py': BLOCKING,
      '.venv/lib/x.py': BLOCKING, '__pycache__/x.py': BLOCKING, 'src/ok.py': CLEAN,
    });
    const { status, stdout } = runCli(['check', '--format', 'json'], root);
    expect(JSON.parse(stdout).findings).toEqual([]);
    expect(status).toBe(0);
  });

  it('reports an unreadable path clearly and still analyzes the rest', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    const { status, stdout, stderr } = runCli(['check', '--format', 'json', 'missing.py', 'poll.py'], root);
    expect(status).toBe(1);
    expect(JSON.parse(stdout).findings).toHaveLength(1);
    expect(stderr).toContain('missing.py: no such file or directory');
    const clean = runCli(['check', 'missing.py'], root);
    expect(clean.status).toBe(2);
  });

  it('exits 2 on a usage error', () => {
    const root = makeProject({ 'poll.py': CLEAN });
    const { status, stderr } = runCli(['check', '--format', 'xml'], root);
    expect(status).toBe(2);
    expect(stderr).toContain("argument 'xml' is invalid");
  });

  it('leaves async tests alone under a conftest.py that runs them itself', () => {
    const test = 'import asyncio\n\n\nasync def test_poll():\n    await asyncio.sleep(0)\n';
    const deps = { 'requirements-test.txt': 'pytest\npytest-asyncio>=0.23\n' };
    expect(runCli(['check', '--select', 'async-test-without-runner'], makeProject({ ...deps, 'tests/unit/test_poll.py': test })).status).toBe(1);
    const hooked = makeProject({ ...deps, '.git/HEAD': '', 'tests/unit/test_poll.py': test, 'tests/conftest.py': 'def pytest_pyfunc_call(pyfuncitem):\n    ...\n' });
    expect(runCli(['check', '--select', 'async-test-without-runner'], hooked).status).toBe(0);
    expect(runCli(['check', '--select', 'async-test-without-runner', 'tests/unit'], hooked).status).toBe(0);
    expect(runCli(['check', '--select', 'async-test-without-runner'], join(hooked, 'tests/unit')).status).toBe(0); // hook above the cwd
  });

  it('reads .github/async-review.yml from the repository root', () => {
    const root = makeProject({
      '.github/async-review.yml': 'rules:\n  blocking-sleep: off\n', 'pkg/poll.py': BLOCKING,
    });
    expect(runCli(['check'], root).status).toBe(0);
    const invalid = makeProject({ '.github/async-review.yml': 'rules:\n  blocking-sleep: loud\n', 'poll.py': BLOCKING });
    const result = runCli(['check'], invalid);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('invalid .github/async-review.yml');
    expect(result.stderr).toContain('rules.blocking-sleep');
  });
});

describe('async-review rules / rule', () => {
  it('lists the catalog and prints one rule by name or alias', () => {
    const root = makeProject({});
    const list = runCli(['rules'], root);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^blocking-sleep\s+error\s+Reports `time\.sleep\(\)`/m);
    expect(list.stdout).toMatch(/^unbounded-gather\s+off\s+Reports/m);
    const doc = runCli(['rule', 'ASYNC251'], root);
    expect(doc.stdout).toContain('# blocking-sleep');
    expect(doc.stdout).toContain('Use instead:');
    const unknown = runCli(['rule', 'nope'], root);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown rule "nope"');
  });

  it("reports an unmarked async test only where the test dependencies leave it unrun, each package by its own files", () => {
    const test = 'import asyncio\n\n\nasync def test_poll():\n    await asyncio.sleep(0)\n';
    const root = makeProject({
      '.git/HEAD': '', 'pyproject.toml': '[project]\nname = "mono"\n[project.optional-dependencies]\ntest = ["pytest", "pytest-asyncio"]\n',
      'tests/test_poll.py': test,
      'legacy/requirements-dev.txt': 'pytest-aiohttp==0.3.0\n', 'legacy/tests/test_poll.py': test, // runs every coroutine test
      'other/requirements/test.txt': 'pytest-something-unknown\n', 'other/tests/test_poll.py': test,
      'nodeps/tests/test_poll.py': test,
    });
    const paths = (cwd: string) => (JSON.parse(runCli(['check', '--format', 'json', '--select', 'async-test-without-runner'], cwd).stdout).findings as { path: string }[]).map((f) => f.path);
    expect(paths(root)).toEqual(['nodeps/tests/test_poll.py', 'tests/test_poll.py']);
    // Without any dependency file nobody knows what runs the tests.
    expect(paths(makeProject({ 'tests/test_poll.py': test }))).toEqual([]);
  });

  it("reads the checked folder's config and pytest settings, wherever it is run from", () => {
    const root = makeProject({
      'repo/.github/async-review.yml': 'paths:\n  include: ["src/**"]\n', 'repo/src/poll.py': BLOCKING, 'repo/scripts/poll.py': BLOCKING,
      'auto/pytest.ini': '[pytest]\nasyncio_mode = auto\n', 'auto/tests/test_poll.py': 'async def test_poll():\n    pass\n',
    });
    const paths = (args: string[]) => (JSON.parse(runCli(['check', '--format', 'json', ...args], root).stdout).findings as { path: string }[]).map((f) => f.path);
    expect(paths(['repo'])).toEqual(['repo/src/poll.py']);
    expect(paths(['auto'])).toEqual([]);
    expect(paths(['auto/tests/test_poll.py'])).toEqual([]);
  });

  it('writes problems to stderr in every format, and exits 2 when a file found in a folder cannot be read', () => {
    const root = makeProject({ 'ok.py': CLEAN });
    symlinkSync(join(root, 'nowhere.py'), join(root, 'dangling.py'));
    for (const format of ['full', 'concise', 'json', 'github']) {
      const { status, stdout, stderr } = runCli(['check', '--format', format, '.'], root);
      expect(status).toBe(2);
      // JSON carries problems in its document too; text and github keep stdout for findings.
      if (format === 'json') expect(JSON.parse(stdout).problems).toEqual([{ path: 'dangling.py', message: 'cannot read: ENOENT' }]);
      else expect(stdout).not.toContain('dangling.py');
      expect(stderr).toContain('async-review: dangling.py: cannot read: ENOENT');
    }
  });

  it('writes no colour codes into a pipe', () => {
    const root = makeProject({ 'poll.py': BLOCKING });
    const { status, stdout } = runCli(['check'], root);
    expect(status).toBe(1);
    expect(stdout).toContain('poll.py:6:5: error blocking-sleep');
    expect(stdout).not.toContain('\u001b[');
  });

  it.runIf(existsSync('/dev/full'))('says in one line that the output could not be written, and exits 2', () => {
    const root = makeProject({ 'poll.py': CLEAN });
    const full = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json'], { cwd: root, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr.trim()).toMatch(/^async-review: cannot write the output: ENOSPC/);
    } finally {
      closeSync(full);
    }
  });
});

// `check -` reads the source from standard input; `--stdin-filename` names it, and the name decides the config,
// whether it is a test module and which folder's Pythons apply, as if the file were there.
import { describe, expect, it } from 'vitest';
import { makeProject } from '../helpers/cli.js';
import { runCliWithInput } from './run-with-input.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
const GET_EVENT_LOOP = 'import asyncio\n\n\nasync def run(work):\n    loop = asyncio.get_event_loop()\n    return await loop.run_in_executor(None, work)\n';
const UNMARKED_TEST = 'import asyncio\n\n\nasync def test_poll():\n    await asyncio.sleep(0)\n';

const reported = (stdout: string) => (JSON.parse(stdout) as { findings: { path: string; rule: string }[] }).findings.map((f) => `${f.path} ${f.rule}`);

describe('check -', () => {
  it('analyzes standard input, shown as - without a name', () => {
    const { status, stdout } = runCliWithInput(['check', '-'], makeProject({}), BLOCKING);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^-:6:5: error blocking-sleep /);
  });

  it('applies the config and per-file ignores of the file it is named as', () => {
    const root = makeProject({
      '.git/HEAD': '',
      '.github/async-review.yml': 'rules:\n  blocking-sleep: info\nper-file-ignores:\n  "scripts/**": [blocking-sleep]\npaths:\n  exclude: ["vendor/**"]\n',
    });
    const run = (name: string) => runCliWithInput(['check', '-', '--stdin-filename', name, '--format', 'json'], root, BLOCKING).stdout;
    expect(JSON.parse(run('src/poll.py')).findings).toMatchObject([{ path: 'src/poll.py', rule: 'blocking-sleep', severity: 'info' }]);
    expect(reported(run('scripts/poll.py'))).toEqual([]);
    expect(reported(run('vendor/poll.py'))).toEqual([]);
    // --fix hands a left-out file's source on unchanged, as it would hand on a clean one.
    expect(runCliWithInput(['check', '-', '--stdin-filename', 'vendor/poll.py', '--fix'], root, BLOCKING).stdout).toBe(BLOCKING);
  });

  it("treats it as a test module, and reads pytest's settings and the Pythons of its folder", () => {
    const root = makeProject({
      '.git/HEAD': '',
      // async-test-without-runner reports only when the project's test dependencies leave the test unrun.
      'requirements-test.txt': 'pytest\npytest-asyncio\n',
      'auto/pytest.ini': '[pytest]\nasyncio_mode = auto\n',
      'old/pyproject.toml': '[project]\nname = "old"\nrequires-python = ">=3.6"\n',
    });
    const run = (name: string, source: string) => reported(runCliWithInput(['check', '--stdin-filename', name, '--format', 'json', '--fail-on', 'info'], root, source).stdout);
    expect(run('tests/test_poll.py', UNMARKED_TEST)).toEqual(['tests/test_poll.py async-test-without-runner']);
    expect(run('auto/tests/test_poll.py', UNMARKED_TEST)).toEqual([]);
    expect(run('tests/poll.py', UNMARKED_TEST)).toEqual([]); // not a test module by its name
    // A blocking call in a test module (by its name or its folder) that starts no server stalls only that test;
    // elsewhere it is reported.
    expect(run('test_block.py', BLOCKING)).toEqual([]);
    expect(run('tests/block.py', BLOCKING)).toEqual([]);
    expect(run('src/block.py', BLOCKING)).toEqual(['src/block.py blocking-sleep']);
    expect(run('new/run.py', GET_EVENT_LOOP)).toEqual(['new/run.py get-event-loop-in-coroutine']);
    expect(run('old/run.py', GET_EVENT_LOOP)).toEqual([]);
  });

  it('refuses - together with other paths', () => {
    const { status, stderr } = runCliWithInput(['check', '-', 'src'], makeProject({}), BLOCKING);
    expect(status).toBe(2);
    expect(stderr).toContain('- (standard input) cannot be checked together with other paths');
  });
});

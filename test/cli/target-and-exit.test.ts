// The CLI reads each file's supported Pythons from the nearest folder that declares them, and its exit status
// follows severity like the App's check.
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

const GET_EVENT_LOOP = 'import asyncio\n\n\nasync def run(work):\n    loop = asyncio.get_event_loop()\n    return await loop.run_in_executor(None, work)\n';
const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';

const rulesIn = (stdout: string) => (JSON.parse(stdout) as { findings: { rule: string; path: string }[] }).findings.map((f) => `${f.path} ${f.rule}`);

describe('target Python per folder', () => {
  it('stays quiet about get_running_loop in a package that supports 3.6, and reports it in one that does not', () => {
    const root = makeProject({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'old/pyproject.toml': '[project]\nname = "old"\nrequires-python = ">=3.6"\n',
      'old/pkg/run.py': GET_EVENT_LOOP,
      'new/setup.cfg': '[options]\npython_requires = >=3.8\n',
      'new/pkg/run.py': GET_EVENT_LOOP,
      'installed/old-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: old\nRequires-Python: >=3.5\n\nbody\n',
      'installed/oldpkg/run.py': GET_EVENT_LOOP,
      // A distutils install (Debian's): the .egg-info is one file, the PKG-INFO itself, with classifiers only.
      'system/Game-1.0.egg-info': 'Metadata-Version: 1.1\nName: Game\nClassifier: Programming Language :: Python :: 3.6\nClassifier: Programming Language :: Python :: 3.9\n',
      'system/game/run.py': GET_EVENT_LOOP,
    });
    const { stdout } = runCli(['check', '--format', 'json', '.'], root);
    expect(rulesIn(stdout)).toEqual(['new/pkg/run.py get-event-loop-in-coroutine']);
  });

  it('lets target-version in the config win over what the project declares', () => {
    const root = makeProject({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.6"\n',
      '.github/async-review.yml': 'target-version: "3.7"\n',
      'pkg/run.py': GET_EVENT_LOOP,
    });
    expect(rulesIn(runCli(['check', '--format', 'json', '.'], root).stdout)).toEqual(['pkg/run.py get-event-loop-in-coroutine']);
  });

  it('explains an unquoted target-version', () => {
    const root = makeProject({ '.git/HEAD': '', '.github/async-review.yml': 'target-version: 3.10\n', 'run.py': GET_EVENT_LOOP });
    const { status, stderr } = runCli(['check', '.'], root);
    expect(status).toBe(2);
    expect(stderr).toContain('target-version');
    expect(stderr).toContain('YAML reads 3.10 as the number 3.1');
  });
});

describe('exit status by severity', () => {
  it('exits 0 for an info-level finding, and 1 with --fail-on info or check.fail_on: info', () => {
    const files = { '.git/HEAD': '', 'run.py': GET_EVENT_LOOP };
    expect(runCli(['check', '.'], makeProject(files)).status).toBe(0);
    expect(runCli(['check', '--fail-on', 'info', '.'], makeProject(files)).status).toBe(1);
    expect(runCli(['check', '.'], makeProject({ ...files, '.github/async-review.yml': 'check:\n  fail_on: info\n' })).status).toBe(1);
  });

  it('exits 1 for an error, 0 with --exit-zero, and 0 with --fail-on above it', () => {
    const files = { '.git/HEAD': '', 'app/poll.py': BLOCKING };
    expect(runCli(['check', '.'], makeProject(files)).status).toBe(1);
    expect(runCli(['check', '--exit-zero', '.'], makeProject(files)).status).toBe(0);
    const warned = makeProject({ ...files, '.github/async-review.yml': 'rules:\n  blocking-sleep: warning\n' });
    expect(runCli(['check', '.'], warned).status).toBe(0);
    expect(runCli(['check', '--fail-on', 'warning', '.'], warned).status).toBe(1);
  });
});

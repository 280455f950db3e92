// An alias selects only what its code covers: blocking-file-io answers to ASYNC230 for open(), ASYNC240 for
// os.path and pathlib, and to no alias for os.listdir() (no ruff code covers it), in --select/--ignore, the
// config's rules: and per-file-ignores, and # noqa. (os.fdopen() on a descriptor that is open already, ruff's
// ASYNC231, is not reported at all.) blocking-file-io is off by default: each project here turns it on.
import { describe, expect, it } from 'vitest';
import { enableBlockingFileIo, makeProject, runCli } from '../helpers/cli.js';

const FILE_IO = [
  'import asyncio',
  'import os',
  'from pathlib import Path',
  '',
  '',
  'async def load(fd):',
  '    open("a")',
  '    os.fdopen(fd)',
  '    os.path.exists("b")',
  '    Path("c").read_text()',
  '    Path("d").open()',
  '    os.listdir(".")',
  '',
].join('\n');

const lines = (stdout: string) => (JSON.parse(stdout) as { findings: { line: number; severity: string; alias?: string }[] }).findings.map((f) => `${f.line} ${f.severity} ${f.alias ?? '-'}`);

describe('alias-level selection', () => {
  it('tells each finding the alias it answers to', () => {
    const root = enableBlockingFileIo(makeProject({ 'load.py': FILE_IO }));
    expect(lines(runCli(['check', '--format', 'json'], root).stdout)).toEqual([
      '7 warning ASYNC230', '9 warning ASYNC240', '10 warning ASYNC240', '11 warning ASYNC230', '12 warning -',
    ]);
  });

  it('selects and ignores by alias and alias prefix', () => {
    const root = enableBlockingFileIo(makeProject({ 'load.py': FILE_IO }));
    const run = (...args: string[]) => lines(runCli(['check', '--format', 'json', ...args], root).stdout).map((line) => Number(line.split(' ')[0]));
    expect(run('--select', 'ASYNC230')).toEqual([7, 11]);
    expect(run('--ignore', 'ASYNC230')).toEqual([9, 10, 12]);
    expect(run('--select', 'ASYNC24')).toEqual([9, 10]);
    expect(run('--select', 'ASYNC')).toEqual([7, 9, 10, 11]); // os.listdir answers to no ASYNC code
    expect(run('--select', 'blocking-file-io', '--ignore', 'ASYNC230')).toEqual([9, 10, 12]);
  });

  it('turns off or re-grades only what an alias covers in the config', () => {
    const root = makeProject({
      '.github/async-review.yml': 'rules:\n  ASYNC230: off\n  blocking-file-io: info\n  ASYNC240: error\n',
      'load.py': FILE_IO,
    });
    expect(lines(runCli(['check', '--format', 'json'], root).stdout)).toEqual(['9 error ASYNC240', '10 error ASYNC240', '12 info -']);
    const perFile = enableBlockingFileIo(makeProject({ '.github/async-review.yml': 'per-file-ignores:\n  "*.py": [ASYNC240]\n', 'load.py': FILE_IO }));
    expect(lines(runCli(['check', '--format', 'json'], perFile).stdout)).toEqual(['7 warning ASYNC230', '11 warning ASYNC230', '12 warning -']);
  });

  it('lets # noqa: ASYNC230 silence open() but not an os.path call', () => {
    const source = 'import asyncio\nimport os\n\n\nasync def load():\n    open("a")  # noqa: ASYNC230\n    os.path.exists("b")  # noqa: ASYNC230\n    os.listdir(".")  # noqa: ASYNC240\n    os.listdir("..")  # noqa: blocking-file-io\n';
    const root = enableBlockingFileIo(makeProject({ 'load.py': source }));
    expect(lines(runCli(['check', '--format', 'json'], root).stdout)).toEqual(['7 warning ASYNC240', '8 warning -']);
  });

  it('keeps a whole rule answering to each of its aliases when it does not say which', () => {
    const root = makeProject({ 'poll.py': 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)  # noqa: ASYNC251\n    time.sleep(2)\n' });
    expect(lines(runCli(['check', '--format', 'json'], root).stdout)).toEqual(['7 error -']);
    expect(runCli(['check', '--ignore', 'ASYNC251'], root).status).toBe(0);
  });
});

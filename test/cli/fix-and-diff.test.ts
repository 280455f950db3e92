// `check --fix` applies fixes in place (in rounds, until none applies) and reports what remains; `check --diff`
// prints them as a patch and writes nothing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enableBlockingFileIo, makeProject, runCli } from '../helpers/cli.js';
import { runCliWithInput } from './run-with-input.js';

// Two findings on line 8 each fix the whole original line: one waits for the second round. Lines 9 and 10 are
// blocking-file-io's (off by default: the projects given FIXABLE turn it on), with no fix and with one.
const FIXABLE = 'import asyncio\nimport os\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n    time.sleep(2); time.sleep(3)\n    open("x")\n    os.path.exists("y")\n';
const FIXED = 'import asyncio\nimport os\nimport time\n\n\nasync def poll():\n    await asyncio.sleep(1)\n    await asyncio.sleep(2); await asyncio.sleep(3)\n    open("x")\n    await asyncio.to_thread(os.path.exists, "y")\n';

describe('check --fix', () => {
  it('applies every fix, over as many rounds as overlapping fixes need, and reports what remains', () => {
    const root = enableBlockingFileIo(makeProject({ 'pkg/poll.py': FIXABLE }));
    const { status, stdout, stderr } = runCli(['check', '--fix', '--format', 'json'], root);
    expect(readFileSync(join(root, 'pkg/poll.py'), 'utf8')).toBe(FIXED);
    expect(stderr).toContain('Fixed 4 findings in 1 file.');
    const remaining = JSON.parse(stdout).findings as { rule: string; line: number; alias?: string }[];
    expect(remaining.map((f) => `${f.line} ${f.rule} ${f.alias}`)).toEqual(['9 blocking-file-io ASYNC230']);
    expect(status).toBe(0); // what remains is a warning, below the default fail_on: error
    expect(runCli(['check', '--fix', '--fail-on', 'warning'], root).status).toBe(1);
  });

  it('exits 1 when a failing finding has no fix, and leaves a clean tree as it is', () => {
    const root = makeProject({ 'poll.py': 'import time\n\n\nasync def poll():\n    time.sleep(1)\n' }); // no asyncio import: no fix
    const result = runCli(['check', '--fix'], root);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No fixes available.');
    expect(readFileSync(join(root, 'poll.py'), 'utf8')).toBe('import time\n\n\nasync def poll():\n    time.sleep(1)\n');
  });

  it("keeps every byte it does not fix: a BOM, CRLF line ends, a missing final newline, other lines' invalid UTF-8", () => {
    const original = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('import asyncio\r\nimport time\r\n\r\n\r\nasync def poll():\r\n    time.sleep(1)\r\n    x = "'),
      Buffer.from([0xff]),
      Buffer.from('"\r\n    time.sleep(2)'),
    ]);
    const root = makeProject({ 'poll.py': original });
    runCli(['check', '--fix'], root);
    const expected = Buffer.from(original.toString('latin1').replace('time.sleep(1)', 'await asyncio.sleep(1)').replace('time.sleep(2)', 'await asyncio.sleep(2)'), 'latin1');
    expect(readFileSync(join(root, 'poll.py'))).toEqual(expected);
  });

  it('writes the fixed source of standard input to stdout, and the report to stderr', () => {
    const root = enableBlockingFileIo(makeProject({}));
    const { status, stdout, stderr } = runCliWithInput(['check', '-', '--stdin-filename', 'app/poll.py', '--fix'], root, FIXABLE);
    expect(stdout).toBe(FIXED);
    expect(stderr).toContain('app/poll.py:9:5: warning blocking-file-io');
    expect(status).toBe(0);
  });
});

describe('check --diff', () => {
  it('prints a patch git applies, writes nothing, and exits 1', () => {
    const root = enableBlockingFileIo(makeProject({ 'pkg/poll.py': FIXABLE }));
    const { status, stdout, stderr } = runCli(['check', '--diff'], root);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^--- a\/pkg\/poll\.py\n\+\+\+ b\/pkg\/poll\.py\n@@ /);
    expect(stdout).toContain('\n-    time.sleep(2); time.sleep(3)\n');
    expect(stdout).toContain('\n+    await asyncio.sleep(2); await asyncio.sleep(3)\n');
    expect(stderr).toContain('Would fix 4 findings in 1 file.');
    expect(readFileSync(join(root, 'pkg/poll.py'), 'utf8')).toBe(FIXABLE);
    execFileSync('git', ['apply', '-'], { cwd: root, input: stdout });
    expect(readFileSync(join(root, 'pkg/poll.py'), 'utf8')).toBe(FIXED);
  });

  it('exits 0 and prints nothing when there is no fix', () => {
    const root = makeProject({ 'poll.py': 'import time\n\n\nasync def poll():\n    time.sleep(1)\n' });
    const { status, stdout } = runCli(['check', '--diff'], root);
    expect(status).toBe(0);
    expect(stdout).toBe('');
  });
});

// blocking-subprocess and `subprocess.Popen`: starting a child is a fork and an exec; what blocks the loop is
// waiting for it. Code that keeps the process object (jupyterhub's spawner and proxy) is left alone.
import { describe, expect, it } from 'vitest';
import rule from '../../rules/blocking-subprocess.js';
import { findingsIn } from '../helpers/analyze.js';

const run = (source: string) => findingsIn(source, { rules: [rule], path: 'app/tools.py' });

describe('blocking-subprocess on Popen', () => {
  it('reports a Popen the coroutine then waits for: chained, through a name, a with block or its output', async () => {
    const waited = [
      'import subprocess\n\n\nasync def fmt(text):\n    out, _ = subprocess.Popen(["fmt"], stdin=subprocess.PIPE).communicate(text)\n    return out\n',
      'import subprocess\n\n\nasync def fmt(text):\n    proc = subprocess.Popen(["fmt"], stdin=subprocess.PIPE)\n    out, _ = proc.communicate(text)\n    return out\n',
      'import subprocess\n\n\nasync def fmt():\n    with subprocess.Popen(["fmt"], stdout=subprocess.PIPE) as proc:\n        return proc.stdout.read()\n',
      'import subprocess\n\n\nclass Runner:\n    async def run(self):\n        self.proc = subprocess.Popen(["job"])\n        self.proc.wait()\n',
    ];
    for (const source of waited) {
      const found = await run(source);
      expect(found, source).toHaveLength(1);
      expect(found[0].message).toMatch(/waits for it/);
    }
  });

  it('leaves a Popen alone whose process is kept, not waited for here', async () => {
    const kept = [
      'import subprocess\n\n\nclass Spawner:\n    async def start(self, cmd):\n        self.proc = subprocess.Popen(cmd, start_new_session=True)\n        return self.proc.pid\n',
      'import subprocess\n\n\nasync def start_proxy(cmd):\n    proc = subprocess.Popen(cmd)\n    if proc.poll() is not None:\n        raise RuntimeError("proxy died")\n    return proc\n',
    ];
    for (const source of kept) expect(await run(source), source).toEqual([]);
  });

  it('still reports the calls that run a process to its end', async () => {
    expect(await run('import subprocess\n\n\nasync def head():\n    return subprocess.check_output(["git", "rev-parse", "HEAD"])\n')).toHaveLength(1);
  });
});

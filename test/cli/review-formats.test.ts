// `async-review review` shares check's new pieces where they apply: reviewdog's rdjson, and the config in
// pyproject.toml.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from '../helpers/cli.js';

function repository(files: Record<string, string>): string {
  const root = makeProject(files);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=T', ...args], { cwd: root });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  return root;
}

describe('async-review review', () => {
  it('writes the findings on changed lines as rdjson, reading [tool.async-review] from pyproject.toml', () => {
    const root = repository({
      'pyproject.toml': '[tool.async-review.rules]\nblocking-sleep = "warning"\n',
      'poll.py': 'import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(1)\n',
    });
    writeFileSync(join(root, 'poll.py'), 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n');
    const { status, stdout } = runCli(['review', '--base', 'main', '--format', 'rdjson'], root);
    expect(status).toBe(0); // a warning does not fail the check
    expect(JSON.parse(stdout).diagnostics).toEqual([expect.objectContaining({
      severity: 'WARNING',
      code: expect.objectContaining({ value: 'blocking-sleep' }),
      location: { path: 'poll.py', range: { start: { line: 6, column: 5 }, end: { line: 6, column: 18 } } },
    })]);
  });
});

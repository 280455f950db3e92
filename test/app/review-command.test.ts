// `async-review review` on a real git repository in a temp folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerReviewCommand, runReview } from '../../src/cli/review.js';

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

async function review(options: { base?: string; format: 'text' | 'github' | 'json'; failOn?: 'error' | 'warning' | 'info' }, paths: string[] = []): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => ((out += chunk.toString()), done()) });
  const code = await runReview({ ...options, color: false }, join(repo, 'pkg'), sink, paths);
  return { code, out };
}

const OLD_BLOCKING = 'import time\n\n\nasync def legacy():\n    time.sleep(5)\n';
const CONSTANTS = Array.from({ length: 10 }, (_, i) => `X_${i} = ${i}\n`).join('');

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'async-review-review-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'Test');
  write('pkg/legacy.py', `${OLD_BLOCKING}${CONSTANTS}`);
  write('pkg/service.py', 'import asyncio\n\n\nasync def serve():\n    await asyncio.sleep(0)\n');
  write('README.md', 'hello\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'feature');
});

afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('async-review review', () => {
  it('reports only findings on lines the branch changed, as the App would', async () => {
    // Committed change: a new blocking call. Uncommitted change: another file, also reviewed.
    write('pkg/service.py', 'import asyncio\nimport time\n\n\nasync def serve():\n    await asyncio.sleep(0)\n    time.sleep(1)\n');
    git('commit', '-qam', 'feature');
    write('pkg/new_module.py', 'import asyncio\nimport time\n\n\nasync def fresh():\n    time.sleep(2)\n');
    git('add', 'pkg/new_module.py');

    const json = await review({ base: 'main', format: 'json' });
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out);
    expect(parsed.base).toBe(git('rev-parse', 'main').trim());
    expect(parsed.conclusion).toBe('failure');
    expect(parsed.findings.map((f: { path: string; line: number }) => `${f.path}:${f.line}`).sort()).toEqual([
      'pkg/new_module.py:6',
      'pkg/service.py:7',
    ]);
    // legacy.py's pre-existing finding is not part of the branch's change.
    expect(json.out).not.toContain('legacy');
    expect(parsed.findings[0].inline).toEqual({ startLine: expect.any(Number), line: expect.any(Number), suggestion: true });

    const text = await review({ base: 'main', format: 'text' });
    expect(text.out).toContain('pkg/service.py:7:5:');
    expect(text.out).toContain("The App's check would be: failure");
    expect(text.out).toContain('2 inline comment(s) on the diff, 0 in the check summary only.');

    const github = await review({ base: 'main', format: 'github' });
    expect(github.out.trim().split('\n')).toHaveLength(2);
    expect(github.out).toContain('::error file=pkg/service.py,line=7,');
  });

  it('follows the config at the repository root: filter mode, paths and fail_on', async () => {
    write('pkg/legacy.py', `${OLD_BLOCKING}${CONSTANTS.replace('X_9 = 9', 'X_9 = 99')}`);
    write('.github/async-review.yml', 'filter: file\ncheck:\n  fail_on: error\nrules:\n  blocking-sleep: warning\n');
    git('add', '.');
    git('commit', '-qm', 'touch legacy');
    const { code, out } = await review({ base: 'main', format: 'json' });
    const parsed = JSON.parse(out);
    // filter: file reports the untouched line 5 too (summary only: outside the diff); warnings do not fail.
    expect(parsed.findings).toEqual([expect.objectContaining({ path: 'pkg/legacy.py', line: 5, severity: 'warning', inline: null })]);
    expect(parsed.summaryOnly).toEqual([{ fingerprint: parsed.findings[0].fingerprint, reason: 'outside-diff' }]);
    expect(code).toBe(0);

    write('.github/async-review.yml', 'filter: file\npaths:\n  exclude: ["pkg/legacy.py"]\n');
    expect(JSON.parse((await review({ base: 'main', format: 'json' })).out).findings).toEqual([]);
  });

  it('exits 0 with nothing to say on a clean branch', async () => {
    const { code, out } = await review({ base: 'main', format: 'text' });
    expect(code).toBe(0);
    expect(out).toContain('No asyncio pitfalls found.');
  });

  it('says which base is missing and what the config problem is', async () => {
    await expect(review({ base: 'no-such-branch', format: 'text' })).rejects.toThrow('--base no-such-branch: no such branch or commit');
    write('.github/async-review.yml', 'filter: sometimes\n');
    await expect(review({ base: 'main', format: 'text' })).rejects.toThrow(/invalid \.github\/async-review\.yml:\nfilter: /);
  });

  it('reviews only the changed files under the paths given, and fails on --fail-on', async () => {
    write('pkg/service.py', 'import asyncio\nimport time\n\n\nasync def serve():\n    await asyncio.sleep(0)\n    time.sleep(1)\n');
    write('pkg/sub/other.py', 'import asyncio\nimport time\n\n\nasync def other():\n    time.sleep(2)\n');
    git('add', '.');
    git('commit', '-qm', 'feature');
    const paths = (out: string) => (JSON.parse(out) as { findings: { path: string }[] }).findings.map((f) => f.path).sort();
    // Relative to the working directory (pkg/), as a shell user types them.
    expect(paths((await review({ base: 'main', format: 'json' }, ['sub'])).out)).toEqual(['pkg/sub/other.py']);
    expect(paths((await review({ base: 'main', format: 'json' }, ['service.py', 'sub/other.py'])).out)).toEqual(['pkg/service.py', 'pkg/sub/other.py']);
    expect((await review({ base: 'main', format: 'json' }, ['nowhere'])).code).toBe(0);
    // The findings are errors: a fail level above them would pass; --fail-on info still fails.
    write('.github/async-review.yml', 'rules:\n  blocking-sleep: info\n');
    expect((await review({ base: 'main', format: 'json' })).code).toBe(0);
    expect((await review({ base: 'main', format: 'json', failOn: 'info' })).code).toBe(1);
  });

  it('registers `review` with --base and --format on a commander program', () => {
    const program = new Command('async-review');
    registerReviewCommand(program);
    const command = program.commands.find((c) => c.name() === 'review');
    expect(command?.options.map((o) => o.long)).toEqual(['--base', '--format', '--no-color', '--fail-on', '--config', '--output-file']);
  });
});

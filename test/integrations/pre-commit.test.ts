// The pre-commit hook (.pre-commit-hooks.yaml) with Debian's real pre-commit: the README's
// .pre-commit-config.yaml pointed at a commit of this checkout, installed as pre-commit installs any node
// hook (npm install, whose `prepare` builds, then npm pack and a global install of the package), and run by
// `git commit` on the staged Python files. Needs `pre-commit` (`apt-get install pre-commit`; .ci/run installs it)
// and reaches the npm registry; the first commit takes a few minutes while pre-commit installs the hook.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { commitCurrentTree, git, repoRoot, type CommittedTree } from './committed-tree.js';
import { readmeBlock } from './readme.js';

const run = promisify(execFile);
const hasPreCommit = spawnSync('pre-commit', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPreCommit) console.warn('pre-commit hook test SKIPPED: no `pre-commit` on PATH (apt-get install pre-commit)');

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def handler():\n    time.sleep(1)\n';
const CLEAN = 'import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n';

interface HookConfig {
  repos: Array<{ repo: string; rev: string; hooks: Array<{ id: string }> }>;
}

describe('.pre-commit-hooks.yaml', () => {
  it('declares the async-review hook: node, the package bin, Python files', () => {
    const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;
    const { bin } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ id: 'async-review', language: 'node', entry: 'async-review check', types: ['python'] });
    expect(Object.keys(bin)).toContain(String(hooks[0]!.entry).split(' ')[0]);
  });

  it("is what the README's .pre-commit-config.yaml names, in this repository", () => {
    const config = parse(readmeBlock('pre-commit', 'yaml')) as HookConfig;
    const manifest = parse(readFileSync(join(repoRoot, 'app.yml'), 'utf8')) as { url: string };
    expect(config.repos).toHaveLength(1);
    expect(config.repos[0]!.repo).toBe(manifest.url);
    expect(config.repos[0]!.hooks.map((hook) => hook.id)).toEqual(['async-review']);
  });
});

describe.skipIf(!hasPreCommit)('pre-commit runs the hook (needs the pre-commit binary)', () => {
  let hookRepo: CommittedTree;
  let project: string;
  let home: string;
  const env = () => ({ ...process.env, PRE_COMMIT_HOME: home, PRE_COMMIT_COLOR: 'never', NO_COLOR: '1' });
  const commit = (message: string) =>
    run('git', ['commit', '--quiet', '--message', message], { cwd: project, env: env(), timeout: 540_000, maxBuffer: 16 << 20 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );

  beforeAll(async () => {
    hookRepo = commitCurrentTree();
    project = mkdtempSync(join(tmpdir(), 'async-review-pre-commit-project-'));
    home = mkdtempSync(join(tmpdir(), 'async-review-pre-commit-home-'));
    const config = parse(readmeBlock('pre-commit', 'yaml')) as HookConfig;
    config.repos[0]!.repo = hookRepo.dir;
    config.repos[0]!.rev = hookRepo.sha;
    git(project, ['init', '--quiet', '--initial-branch=main']);
    writeFileSync(join(project, '.pre-commit-config.yaml'), stringify(config));
    git(project, ['add', '.pre-commit-config.yaml']);
    await run('pre-commit', ['install'], { cwd: project, env: env() });
  });

  afterAll(() => {
    for (const dir of [hookRepo?.dir, project, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs the hook and lets a clean file be committed', async () => {
    writeFileSync(join(project, 'clean.py'), CLEAN);
    git(project, ['add', 'clean.py']);
    const result = await commit('clean');
    expect(result.output).toMatch(/async-review\.+Passed/);
    expect(result.code, result.output).toBe(0);
  }, 600_000);

  it('stops a commit that blocks the loop, with the finding', async () => {
    const head = git(project, ['rev-parse', 'HEAD']).trim();
    writeFileSync(join(project, 'service.py'), BLOCKING);
    writeFileSync(join(project, 'README.txt'), 'not Python: not checked\n');
    git(project, ['add', 'service.py', 'README.txt']);
    const result = await commit('blocking');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/async-review\.+Failed/);
    expect(result.output).toContain('service.py:6:5: error blocking-sleep `time.sleep(1)` blocks the event loop in coroutine `handler`');
    expect(result.output).not.toContain('README.txt');
    expect(git(project, ['rev-parse', 'HEAD']).trim()).toBe(head);
  }, 120_000);
});

// The README's install of the CLI from git, from a commit of this checkout: `npm pack` of the git URL (npm
// clones it, installs its dependencies and builds it with `prepare`), then `npm install -g` of the tarball,
// which puts a working `async-review` on the PATH. Reaches the npm registry; takes a minute or two.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitCurrentTree, repoRoot, type CommittedTree } from './committed-tree.js';
import { readmeBlock } from './readme.js';

const run = promisify(execFile);

/** The README's commands, without comments, as words. */
function commands(): string[][] {
  return readmeBlock('The CLI from git', 'sh')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean)
    .map((line) => line.split(/\s+/));
}

describe('installing the CLI from git', () => {
  let tree: CommittedTree;
  let work: string;
  let prefix: string;

  beforeAll(() => {
    tree = commitCurrentTree();
    work = mkdtempSync(join(tmpdir(), 'async-review-git-install-'));
    prefix = mkdtempSync(join(tmpdir(), 'async-review-global-'));
  });

  afterAll(() => {
    for (const dir of [tree?.dir, work, prefix]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("packs this repository's git URL, installs the tarball globally, then checks", () => {
    const manifest = parse(readFileSync(join(repoRoot, 'app.yml'), 'utf8')) as { url: string };
    expect(commands()).toEqual([
      ['npm', 'pack', `git+${manifest.url}.git`],
      ['npm', 'install', '-g', './async-review-*.tgz'],
      ['async-review', 'check', 'src/'],
    ]);
  });

  it('gives a working async-review command', async () => {
    const [pack, install] = commands();
    // The same commands, from the local commit and into a scratch global prefix.
    await run(pack![0]!, [...pack!.slice(1, -1), `git+file://${tree.dir}#${tree.sha}`], { cwd: work, timeout: 540_000, maxBuffer: 64 << 20 });
    const tarballs = readdirSync(work).filter((name) => /^async-review-.*\.tgz$/.test(name));
    expect(tarballs).toHaveLength(1);
    await run(install![0]!, [...install!.slice(1, -1), '--prefix', prefix, '--no-audit', '--no-fund', `./${tarballs[0]}`], { cwd: work, timeout: 300_000, maxBuffer: 64 << 20 });
    writeFileSync(join(work, 'service.py'), 'import asyncio\nimport time\n\n\nasync def handler():\n    time.sleep(1)\n');
    const result = await run(join(prefix, 'bin', 'async-review'), ['check', '--no-color', 'service.py'], { cwd: work }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.stdout).toContain('service.py:6:5: error blocking-sleep `time.sleep(1)` blocks the event loop in coroutine `handler`');
    expect(result.code).toBe(1);
  }, 600_000);
});

// `check` keeps the summaries of the modules it read in `.async-review-cache` at the repository root, so the next
// run reads them instead of summarizing again; an edited module misses, and a bad cache only costs the speed-up.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSummaryCache } from '../../src/cli/summary-disk-cache.js';
import { makeProject, runCli } from '../helpers/cli.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/projects/billing');

function copyOfFixture(): string {
  const root = makeProject({});
  cpSync(FIXTURE, root, { recursive: true });
  return root;
}

const found = (stdout: string) => (JSON.parse(stdout) as { findings: { path: string; line: number; rule: string; message: string }[] }).findings;
/** The summary files under a cache folder (one folder per async-review version). */
const cachedFiles = (cache: string) => readdirSync(cache).filter((entry) => entry.startsWith('summaries-')).flatMap((folder) => readdirSync(join(cache, folder)).map((file) => join(cache, folder, file)));
const cachedKeys = (root: string) => cachedFiles(join(root, '.async-review-cache'));

describe('the summary cache of check', () => {
  it('writes the summaries of the modules it read, ignored by git, and gives the same findings from them', () => {
    const root = copyOfFixture();
    const first = found(runCli(['check', '--format', 'json', 'src/billing/api.py'], root).stdout);
    expect(first.length).toBeGreaterThan(5);
    const keys = cachedKeys(root);
    expect(keys.length).toBeGreaterThan(2);
    expect(keys.some((file) => readFileSync(file, 'utf8').includes('fetch_invoice'))).toBe(true);
    expect(readFileSync(join(root, '.async-review-cache/.gitignore'), 'utf8')).toMatch(/^\*$/m);
    // The second run finds every summary in the cache: the findings only come from them.
    const second = found(runCli(['check', '--format', 'json', 'src/billing/api.py'], root).stdout);
    expect(second).toEqual(first);
    expect(cachedKeys(root).sort()).toEqual([...keys].sort());
  });

  it('an edited module misses the cache: its new content decides', () => {
    const root = copyOfFixture();
    const before = found(runCli(['check', '--format', 'json', 'src/billing/api.py'], root).stdout);
    expect(before.some((f) => f.line === 49 && f.rule === 'blocking-via-helper')).toBe(true);
    // The blocking helper no longer blocks.
    const retry = join(root, 'src/billing/retry.py');
    writeFileSync(retry, readFileSync(retry, 'utf8').replace(/time\.sleep\([^)]*\)/g, 'pass'));
    const after = found(runCli(['check', '--format', 'json', 'src/billing/api.py'], root).stdout);
    expect(after.some((f) => f.rule === 'blocking-via-helper')).toBe(false);
  });

  it('a corrupt cache is ignored and replaced; --no-cache neither reads nor writes it', () => {
    const root = copyOfFixture();
    const expected = found(runCli(['check', '--format', 'json', '--no-cache', 'src/billing/api.py'], root).stdout);
    expect(existsSync(join(root, '.async-review-cache'))).toBe(false);
    runCli(['check', '--format', 'json', 'src/billing/api.py'], root);
    for (const file of cachedKeys(root)) writeFileSync(file, '{"version": ');
    const result = runCli(['check', '--format', 'json', 'src/billing/api.py'], root);
    expect(found(result.stdout)).toEqual(expected);
    expect(cachedKeys(root).length).toBeGreaterThan(0);
  });

  it('--cache-dir puts it elsewhere, and the checked folder never collects it', () => {
    const root = copyOfFixture();
    runCli(['check', '--format', 'json', '--cache-dir', 'build/summaries', 'src/billing/api.py'], root);
    expect(cachedFiles(join(root, 'build/summaries')).length).toBeGreaterThan(0);
    expect(existsSync(join(root, '.async-review-cache'))).toBe(false);
    runCli(['check', '--format', 'json', 'src/billing/api.py'], root);
    writeFileSync(join(root, '.async-review-cache/broken.py'), 'def (\n');
    expect(runCli(['check', '--format', 'json', '.'], root).stdout).not.toContain('broken.py');
  });

  it('a folder it cannot write costs nothing but the speed-up', async () => {
    // A folder below a regular file can never be created.
    const file = join(makeProject({ 'not-a-folder': 'x' }), 'not-a-folder');
    const cache = DiskSummaryCache.open(join(file, 'cache'));
    await cache.set('k', { version: 1 });
    expect(() => cache.save()).not.toThrow();
    expect(await cache.get('k')).toEqual({ version: 1 });
    expect(await cache.get('missing')).toBeUndefined();
  });

  it("keeps each version's summaries apart, and removes another version's when it writes", async () => {
    const folder = join(makeProject({}), 'cache');
    const cache = DiskSummaryCache.open(folder);
    await cache.set('k', { version: 1 });
    cache.save();
    expect(await DiskSummaryCache.open(folder).get('k')).toEqual({ version: 1 });
    // What an older async-review left: the same key, in its own folder.
    const [mine] = readdirSync(folder).filter((entry) => entry.startsWith('summaries-'));
    mkdirSync(join(folder, 'summaries-1-0.0.0-older'));
    for (const file of readdirSync(join(folder, mine!))) writeFileSync(join(folder, 'summaries-1-0.0.0-older', file), '{"version": 1}');
    const next = DiskSummaryCache.open(folder);
    await next.set('other', { version: 1 });
    next.save();
    expect(readdirSync(folder).filter((entry) => entry.startsWith('summaries-'))).toEqual([mine]);
  });
});

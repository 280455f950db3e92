import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hunkContaining, parseFilePatch, parseUnifiedDiff } from '../../src/diff/hunks.js';

describe('parseFilePatch (GitHub `patch` field)', () => {
  it('keeps RIGHT-side hunk ranges and added lines', () => {
    const patch = [
      '@@ -1,4 +1,5 @@',
      ' import asyncio',
      '-import os',
      '+import time',
      '+import sys',
      ' ',
      ' async def main():',
      '@@ -20,3 +21,3 @@ async def main():',
      '     a = 1',
      '-    b = 2',
      '+    b = 3',
      '     c = 4',
      '\\ No newline at end of file',
    ].join('\n');
    const changes = parseFilePatch(patch);
    expect(changes?.hunks).toEqual([
      { start: 1, end: 5 },
      { start: 21, end: 23 },
    ]);
    expect([...(changes?.added ?? [])]).toEqual([2, 3, 22]);
  });

  it('treats a whole new file as added', () => {
    const changes = parseFilePatch('@@ -0,0 +1,3 @@\n+a\n+b\n+c');
    expect(changes?.hunks).toEqual([{ start: 1, end: 3 }]);
    expect([...(changes?.added ?? [])]).toEqual([1, 2, 3]);
  });

  it('gives no commentable hunk for a pure deletion', () => {
    const changes = parseFilePatch('@@ -5,2 +4,0 @@\n-x\n-y');
    expect(changes).toEqual({ hunks: [], added: new Set() });
  });

  it('gives empty changes for an empty patch (a rename without edits)', () => {
    expect(parseFilePatch('')).toEqual({ hunks: [], added: new Set() });
  });

  it('gives null (unknown) when GitHub sent no patch or it is malformed', () => {
    expect(parseFilePatch(undefined)).toBeNull();
    expect(parseFilePatch(null)).toBeNull();
    expect(parseFilePatch('@@ -1,3 +1,4 @@\n a\n')).toBeNull();
  });
});

describe('parseUnifiedDiff (git diff output)', () => {
  it('splits files, strips a/ b/ prefixes, follows renames and drops deleted files', () => {
    const diff = [
      'diff --git a/old name.py b/new name.py',
      'similarity index 90%',
      'rename from old name.py',
      'rename to new name.py',
      'index 1111111..2222222 100644',
      '--- a/old name.py\t',
      '+++ b/new name.py\t',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git a/pkg/new.py b/pkg/new.py',
      'new file mode 100644',
      'index 0000000..3333333',
      '--- /dev/null',
      '+++ b/pkg/new.py',
      '@@ -0,0 +1,2 @@',
      '+q',
      '+r',
      'diff --git a/gone.py b/gone.py',
      'deleted file mode 100644',
      'index 4444444..0000000',
      '--- a/gone.py',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-q',
      '',
    ].join('\n');
    const files = parseUnifiedDiff(diff);
    expect(files.map((file) => file.path)).toEqual(['new name.py', 'pkg/new.py']);
    expect([...files[1].changes.added]).toEqual([1, 2]);
    expect(files[0].changes.hunks).toEqual([{ start: 1, end: 1 }]);
  });
});

describe('parseUnifiedDiff on names git quotes', () => {
  it('reads back names with quotes, backslashes, tabs and non-ASCII letters from a real git diff', () => {
    const repo = mkdtempSync(join(tmpdir(), 'async-review-quoted-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'base');
    const names = ['q"uote.py', 'back\\slash.py', 'tab\there.py', 'café.py', 'plain.py'];
    for (const name of names) writeFileSync(join(repo, name), 'x = 1\n');
    git('add', '.');
    const files = parseUnifiedDiff(git('diff', '--cached', '--no-color'));
    expect(files.map((file) => file.path).sort()).toEqual([...names].sort());
    expect(files.every((file) => file.changes.added.has(1))).toBe(true);
  });
});

describe('hunkContaining', () => {
  const changes = parseFilePatch('@@ -1,2 +1,3 @@\n a\n+b\n c\n@@ -10,1 +11,2 @@\n x\n+y')!;
  it('finds the hunk holding a whole range and nothing for a range that spans two', () => {
    expect(hunkContaining(changes, 1, 3)).toEqual({ start: 1, end: 3 });
    expect(hunkContaining(changes, 12, 12)).toEqual({ start: 11, end: 12 });
    expect(hunkContaining(changes, 3, 11)).toBeUndefined();
    expect(hunkContaining(changes, 4, 4)).toBeUndefined();
  });
});

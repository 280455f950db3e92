// This checkout as another tool would fetch it: a new git repository holding the working tree's files
// (tracked, and untracked but not ignored, so uncommitted changes count) in one commit. No node_modules or
// dist/: whoever installs it must build it, as from GitHub.
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CommittedTree {
  dir: string;
  sha: string;
}

export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com', ...env },
  });
}

export function commitCurrentTree(into = mkdtempSync(join(tmpdir(), 'async-review-tree-'))): CommittedTree {
  const files = git(repoRoot, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter(Boolean)
    // A symbolic link (a worktree's shared node_modules, a corpus) is no part of the package, and one
    // followed by `npm install` would write where it points.
    .filter((path) => {
      try {
        return !lstatSync(join(repoRoot, path)).isSymbolicLink();
      } catch {
        return false; // deleted in the working tree
      }
    })
    .filter((path) => !/^(node_modules|dist)(\/|$)/.test(path));
  for (const path of files) {
    mkdirSync(dirname(join(into, path)), { recursive: true });
    copyFileSync(join(repoRoot, path), join(into, path));
  }
  git(into, ['init', '--quiet', '--initial-branch=main']);
  git(into, ['add', '--all']);
  git(into, ['commit', '--quiet', '--message', 'async-review as checked out']);
  return { dir: into, sha: git(into, ['rev-parse', 'HEAD']).trim() };
}

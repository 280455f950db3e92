// The CLI's ModuleSource: the repository on disk. Imports resolve against the repository root (the nearest
// folder up with `.git` or a pyproject.toml), even when `check` is given one file, and only the modules the
// checked files reach are read.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ModuleSource } from '../analyzer/project/module-source.js';
import { SKIPPED_FOLDERS } from './collect-files.js';

/** The nearest folder up from `start` holding `.git` or a pyproject.toml; `cwd` when there is none. */
export function findRepositoryRoot(start: string, cwd: string): string {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.git')) || existsSync(join(folder, 'pyproject.toml'))) return folder;
    if (dirname(folder) === folder) return cwd;
  }
}

export function diskModuleSource(root: string): ModuleSource {
  let listed: Promise<ReadonlySet<string>> | undefined;
  return {
    listPaths: () => (listed ??= Promise.resolve(listPythonFiles(root))),
    async read(paths) {
      const texts = new Map<string, string>();
      for (const path of paths) {
        try {
          texts.set(path, readFileSync(join(root, path), 'utf8'));
        } catch {
          // unreadable: stays unknown
        }
      }
      return texts;
    },
  };
}

/** Every `.py` / `.pyi` file under the root (POSIX, relative), skipping what `check` skips. */
function listPythonFiles(root: string): Set<string> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = (folder: string, prefix: string) => {
    let entries;
    try {
      const real = realpathSync(folder);
      if (seen.has(real)) return; // a symbolic link back up
      seen.add(real);
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(folder, entry.name);
      const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(full));
      if (isFolder) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.') && !existsSync(join(full, 'pyvenv.cfg'))) walk(full, `${prefix}${entry.name}/`);
      } else if (/\.pyi?$/.test(entry.name)) found.add(`${prefix}${entry.name}`);
    }
  };
  walk(root, '');
  return found;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A path as `check` reports it (relative to `cwd`) → its path in the repository; null outside it. */
export function repositoryPath(path: string, cwd: string, root: string): string | null {
  const inRepository = relative(root, resolve(cwd, path));
  if (inRepository.startsWith('..') || inRepository === '') return null;
  return inRepository.split(sep).join('/');
}

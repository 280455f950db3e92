// Which files `async-review check PATH...` reads: Python sources under the given paths, skipping VCS
// folders, dependencies, caches and virtual environments.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.async-review-cache', 'site-packages']);
const PYTHON_FILE = /\.pyi?$/;

export interface CollectedFiles {
  /** Absolute paths. */
  files: string[];
  /** Paths that could not be read, with the reason. */
  unreadable: { path: string; message: string }[];
}

export function collectPythonFiles(paths: readonly string[], cwd: string): CollectedFiles {
  const result: CollectedFiles = { files: [], unreadable: [] };
  const seen = new Set<string>();
  const add = (file: string) => {
    if (!seen.has(file)) {
      seen.add(file);
      result.files.push(file);
    }
  };
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      result.unreadable.push({ path: displayPath(folder, cwd), message: describe(error) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !existsSync(join(full, 'pyvenv.cfg'))) walk(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && PYTHON_FILE.test(entry.name)) {
        add(full);
      }
    }
  };
  for (const path of paths) {
    const full = join(cwd, path).replace(/[/\\]$/, '') || sep;
    const absolute = path.startsWith('/') ? path : full;
    try {
      const stat = statSync(absolute);
      if (stat.isDirectory()) walk(absolute);
      else add(absolute); // a file named explicitly is analyzed whatever its extension
    } catch (error) {
      result.unreadable.push({ path, message: describe(error) });
    }
  }
  return result;
}

/** Paths in output: relative to the working directory, with POSIX separators. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path) || '.';
  return rel.split(sep).join('/');
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}

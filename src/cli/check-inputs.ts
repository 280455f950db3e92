// What `check` analyzes: the Python files under its paths (those the config's `paths` select), or standard
// input under the name `--stdin-filename` gives it (which decides the config, whether it is a test module and
// which folder's Python versions apply, as if the file were there).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnalysisProblem, SourceFile } from '../analyzer/types.js';
import { isPathIncluded } from '../config/index.js';
import { collectPythonFiles, displayPath } from './collect-files.js';
import type { LocalProject } from './project.js';
import { readStdin } from './stdin.js';

export interface CheckInputs {
  files: SourceFile[];
  /** Paths that could not be read. */
  problems: AnalysisProblem[];
  /** Standard input's bytes when its name is one the config's `paths` leave out (`--fix` still hands them on). */
  uncheckedStdin?: Buffer;
}

export function readPathInputs(paths: readonly string[], cwd: string, project: LocalProject): CheckInputs {
  const collected = collectPythonFiles(paths, cwd);
  const inputs: CheckInputs = { files: [], problems: [...collected.unreadable] };
  for (const file of collected.files) {
    const path = displayPath(file, cwd);
    if (!isPathIncluded(project.config, displayPath(file, project.root))) continue;
    try {
      inputs.files.push({ path, content: readFileSync(file) });
    } catch (error) {
      inputs.problems.push({ path, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
  }
  return inputs;
}

/** Standard input as `name` (relative to `cwd`), or as `-` when no name is given. */
export async function readStdinInput(name: string | undefined, cwd: string, project: LocalProject): Promise<CheckInputs> {
  const content = await readStdin();
  if (name === undefined) return { files: [{ path: '-', content }], problems: [] };
  const full = resolve(cwd, name);
  if (!isPathIncluded(project.config, displayPath(full, project.root))) return { files: [], problems: [], uncheckedStdin: content };
  return { files: [{ path: displayPath(full, cwd), content }], problems: [] };
}

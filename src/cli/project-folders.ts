// Per-folder knowledge for the CLI: which Pythons each package supports (the nearest folder up from a file that
// declares them) and whether pytest runs its async tests unmarked (the nearest folder whose files configure
// pytest, as pytest picks its config file). In a monorepo each package answers to its own files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Config } from '../config/index.js';
import { PYTEST_CONFIG_FILES, asyncTestsRunAutomatically, configuresPytest } from '../config/pytest.js';
import { TARGET_PYTHON_FILES, targetFromPackageMetadata, targetFromProjectFiles } from '../config/target-python.js';
import type { FolderKnowledge, ProjectKnowledge, PythonRange } from '../analyzer/types.js';

function readIfExists(path: string): string | null {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  } catch {
    return null;
  }
}

/** An installed package's metadata beside its sources (`pkg-1.0.dist-info/METADATA`, `pkg.egg-info/PKG-INFO`). */
function installedPackageTarget(folder: string): PythonRange | undefined {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    // A `.egg-info` may also be one file holding the PKG-INFO itself (distutils installs, as Debian's).
    const metadata = entry.endsWith('.dist-info') ? join(folder, entry, 'METADATA')
      : entry.endsWith('.egg-info') ? join(folder, entry, 'PKG-INFO') : null;
    const text = metadata && (readIfExists(metadata) ?? (entry.endsWith('.egg-info') ? readIfExists(join(folder, entry)) : null));
    const range = text ? targetFromPackageMetadata(text) : undefined;
    if (range) return range;
  }
  return undefined;
}

interface FolderFacts {
  target?: PythonRange;
  /** Set when this folder's files configure pytest. */
  pytestAuto?: boolean;
}

function folderFacts(folder: string, config: Config): FolderFacts {
  const facts: FolderFacts = {};
  if (config['target-version'] === undefined) {
    facts.target = targetFromProjectFiles(TARGET_PYTHON_FILES.map((name) => readIfExists(join(folder, name)))) ?? installedPackageTarget(folder);
  }
  const pytestTexts = PYTEST_CONFIG_FILES.map((name) => readIfExists(join(folder, name)));
  if (pytestTexts.some((text, index) => text !== null && configuresPytest(PYTEST_CONFIG_FILES[index]!, text))) {
    facts.pytestAuto = asyncTestsRunAutomatically(config, pytestTexts);
  }
  return facts;
}

/** `project` plus the settings of every folder, from the checked files' folders up to `root`, that declares
 *  its own. `paths` are the analyzer's paths (POSIX, relative to `cwd`). */
export function withFolderKnowledge(project: ProjectKnowledge | undefined, config: Config, paths: readonly string[], cwd: string, root: string): ProjectKnowledge {
  const seen = new Map<string, FolderFacts>();
  const folders: FolderKnowledge[] = [];
  const visit = (folder: string) => {
    if (seen.has(folder)) return;
    const facts = folderFacts(folder, config);
    seen.set(folder, facts);
    if (facts.target === undefined && facts.pytestAuto === undefined) return;
    folders.push({
      folder: relative(cwd, folder).split(sep).join('/'),
      targetPython: facts.target,
      asyncTestsRunAutomatically: facts.pytestAuto,
    });
  };
  const absoluteRoot = resolve(root);
  for (const path of paths) {
    for (let folder = dirname(resolve(cwd, path)); ; folder = dirname(folder)) {
      if (seen.has(folder)) break; // every folder above it was visited with it
      visit(folder);
      if (folder === absoluteRoot || dirname(folder) === folder || !folder.startsWith(absoluteRoot)) break;
    }
  }
  return { ...project, folders: [...(project?.folders ?? []), ...folders] };
}

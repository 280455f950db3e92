// What the CLI knows about the project it runs in: its root, its config, pytest settings.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CONFIG_PATH, DEFAULT_CONFIG, toAnalyzeOptions, type Config } from '../config/index.js';
import { mentionsOurTable, PYPROJECT } from '../config/pyproject.js';
import { PYTEST_CONFIG_FILES, asyncTestRunnerPackages, asyncTestsRunAutomatically, isTestModulePath, configuresPytest } from '../config/pytest.js';
import { DEPENDENCY_FILES, asyncTestMarksOf, declaredDependencies, isRequirementsFile, type DeclaredDependencies } from '../config/test-plugins.js';
import type { AnalyzeOptions, FolderKnowledge, ProjectKnowledge } from '../analyzer/types.js';

export interface LocalProject {
  root: string;
  config: Config;
  options: AnalyzeOptions;
}

/** The repository root: the nearest folder up from `cwd` holding `.git`, `.github/async-review.yml` or a
 *  pyproject.toml with a `[tool.async-review]` table; else `cwd`. */
export function findProjectRoot(cwd: string): string {
  for (let folder = cwd; ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.git')) || existsSync(join(folder, CONFIG_PATH)) || readPyproject(folder) !== null) return folder;
    if (dirname(folder) === folder) return cwd;
  }
}

/** A folder's pyproject.toml when it seems to configure async-review, else null. */
function readPyproject(folder: string): string | null {
  const path = join(folder, PYPROJECT);
  if (!existsSync(path)) return null;
  try {
    const text = readFileSync(path, 'utf8');
    return mentionsOurTable(text) ? text : null;
  } catch {
    return null;
  }
}

/** The folder the checked paths have in common (a file counts by its folder), where the project is looked
 *  for: `async-review check other/repo` reads other/repo's config, as pytest finds its config from its
 *  arguments, not from where it is run. */
export function commonFolder(paths: readonly string[], cwd: string): string {
  const folders = paths.map((path) => {
    const full = resolve(cwd, path);
    try {
      return statSync(full).isDirectory() ? full : dirname(full);
    } catch {
      return dirname(full);
    }
  });
  if (folders.length === 0) return cwd;
  let common = folders[0]!;
  for (const folder of folders.slice(1)) {
    while (common !== dirname(common) && folder !== common && !folder.startsWith(common + sep)) common = dirname(common);
  }
  return common;
}

/** Loads the project's config; throws an Error whose message says exactly what is wrong with the file.
 *  `start`: the folder the project is found from (the checked paths' common folder, or the repository);
 *  `configFile`: a config file named with `--config` (relative to `cwd`), used instead of the project's. */
export async function loadLocalProject(start: string, configFile?: string, cwd = process.cwd()): Promise<LocalProject> {
  const root = findProjectRoot(start);
  const config = configFile === undefined ? await readProjectConfig(root) : await readNamedConfig(configFile, cwd);
  const options = toAnalyzeOptions(config);
  const pytestTexts = nearestPytestConfig(start, root);
  options.project = { ...options.project, asyncTestsRunAutomatically: asyncTestsRunAutomatically(config, pytestTexts) };
  return { root, config, options };
}

/** pytest's config files of the nearest folder from `start` up to `root` whose files configure pytest (a
 *  package's own pytest.ini in a monorepo wins over the repository's); the root's files otherwise. */
function nearestPytestConfig(start: string, root: string): (string | null)[] {
  const read = (folder: string) => PYTEST_CONFIG_FILES.map((name) => {
    const path = join(folder, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  });
  const insideRoot = start === root || start.startsWith(root + sep);
  for (let folder = start; insideRoot && folder !== root; folder = dirname(folder)) {
    const texts = read(folder);
    if (texts.some((text, index) => text !== null && configuresPytest(PYTEST_CONFIG_FILES[index], text))) return texts;
  }
  return read(root);
}

/** `.github/async-review.yml` or `[tool.async-review]` in pyproject.toml (see config/sources.ts). The YAML
 *  parser and the schema load only for a repository that has a config (most runs: none). */
async function readProjectConfig(root: string): Promise<Config> {
  const yamlFile = join(root, CONFIG_PATH);
  const yamlText = existsSync(yamlFile) ? readFileSync(yamlFile, 'utf8') : null;
  const pyprojectText = readPyproject(root);
  if (yamlText === null && pyprojectText === null) return DEFAULT_CONFIG;
  const { configFromProjectFiles } = await import('../config/sources.js');
  const loaded = configFromProjectFiles(yamlText, pyprojectText);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.config;
}

async function readNamedConfig(configFile: string, cwd: string): Promise<Config> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, configFile), 'utf8');
  } catch (error) {
    throw new Error(`--config ${configFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const { configFromFile } = await import('../config/sources.js');
  const loaded = configFromFile(configFile, text);
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.config;
}

/** The project's knowledge plus the conftest.py hooks that run the given test modules' async tests: pytest
 *  reads every conftest.py from a test's folder up to the project root. `paths` are POSIX paths relative to
 *  `cwd`, as the analyzer sees them. */
export function withConftestRunners(project: ProjectKnowledge | undefined, paths: readonly string[], cwd: string, root: string): ProjectKnowledge {
  const conftests = new Set<string>();
  for (const path of paths.filter(isTestModulePath)) {
    for (let folder = dirname(resolve(cwd, path)); ; folder = dirname(folder)) {
      conftests.add(relative(cwd, join(folder, 'conftest.py')).split(sep).join('/'));
      if (folder === root || dirname(folder) === folder || relative(root, folder).startsWith('..')) break;
    }
  }
  const readText = (path: string) => {
    try {
      return readFileSync(resolve(cwd, path), 'utf8');
    } catch {
      return null; // absent (or unreadable): no hook known
    }
  };
  return { ...project, asyncTestRunnerPackages: asyncTestRunnerPackages(conftests, readText) };
}

/** The project's knowledge plus, for the folder of each test module, what the dependency files of that folder
 *  and every folder above it up to the root declare about the plugins that run async tests (asyncTestMarks:
 *  null when unknown). `paths` are POSIX paths relative to `cwd`, as the analyzer sees them. */
export function withTestDependencies(project: ProjectKnowledge | undefined, paths: readonly string[], cwd: string, root: string): ProjectKnowledge {
  const declaredIn = new Map<string, DeclaredDependencies | null>();
  const declared = (folder: string) => {
    if (!declaredIn.has(folder)) declaredIn.set(folder, folderDependencies(folder));
    return declaredIn.get(folder)!;
  };
  const folders: FolderKnowledge[] = [];
  const seen = new Set<string>();
  const absoluteRoot = resolve(root);
  for (const path of paths.filter(isTestModulePath)) {
    const start = dirname(resolve(cwd, path));
    if (seen.has(start)) continue;
    seen.add(start);
    const chain: DeclaredDependencies[] = [];
    for (let folder = start; ; folder = dirname(folder)) {
      const found = declared(folder);
      if (found) chain.push(found);
      if (folder === absoluteRoot || dirname(folder) === folder || relative(absoluteRoot, folder).startsWith('..')) break;
    }
    folders.push({ folder: relative(cwd, start).split(sep).join('/'), asyncTestMarks: asyncTestMarksOf(chain) });
  }
  return { ...project, folders: [...(project?.folders ?? []), ...folders] };
}

/** What a folder's dependency files declare; null when it has none. */
function folderDependencies(folder: string): DeclaredDependencies | null {
  const names: string[] = [];
  const list = (subfolder: string) => {
    try {
      return readdirSync(join(folder, subfolder), { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const entry of list('')) {
    if (entry.isFile() && ((DEPENDENCY_FILES as readonly string[]).includes(entry.name) || isRequirementsFile(entry.name))) names.push(entry.name);
    else if (entry.isDirectory() && /^req(uirement)?s?([-_.].*)?$/i.test(entry.name)) {
      for (const inner of list(entry.name)) if (inner.isFile() && isRequirementsFile(`${entry.name}/${inner.name}`)) names.push(`${entry.name}/${inner.name}`);
    }
  }
  if (names.length === 0) return null;
  const read = (relativePath: string) => {
    try {
      return readFileSync(join(folder, relativePath), 'utf8');
    } catch {
      return null;
    }
  };
  const files = new Map<string, string>();
  let unreadable = false;
  for (const name of names) {
    const text = read(name);
    if (text === null) unreadable = true;
    else files.set(name, text);
  }
  const result = declaredDependencies(files, read);
  return unreadable ? { ...result, unreadable: true } : result;
}

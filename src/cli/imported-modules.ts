// `check` with repository context: the project index of the modules the checked files import, read from
// disk under the repository root and summarized before the files are analyzed (or taken from the summaries an
// earlier run left in the cache, for modules whose text has not changed since).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ParallelAnalyzer } from '../analyzer/parallel.js';
import { buildProjectIndex, type CheckedModule } from '../analyzer/project/build-index.js';
import { ModulePaths, normalizedRoot } from '../analyzer/project/module-paths.js';
import type { ProjectIndexData } from '../analyzer/project/summary.js';
import { checkedModule } from '../analyzer/project/with-index.js';
import type { SourceFile } from '../analyzer/types.js';
import { diskModuleSource, findRepositoryRoot, repositoryPath } from './disk-modules.js';
import { CACHE_FOLDER, DiskSummaryCache } from './summary-disk-cache.js';

/** Where module summaries are kept between runs: `cacheDir` (relative to `cwd`), else the repository root's
 *  `.async-review-cache`; `false`: nowhere (`--no-cache`). */
export type CacheLocation = string | undefined | false;

export async function indexImportedModules(files: readonly SourceFile[], start: string, cwd: string, sourceRoots: readonly string[], analyzer: ParallelAnalyzer, cacheLocation?: CacheLocation): Promise<ProjectIndexData> {
  const root = findRepositoryRoot(start, cwd);
  const cache = cacheLocation === false ? undefined : DiskSummaryCache.open(cacheLocation === undefined ? join(root, CACHE_FOLDER) : resolve(cwd, cacheLocation));
  const checked: CheckedModule[] = [];
  const configuredRoots = new Set(sourceRoots.map(normalizedRoot));
  /** The package folders found outside the source roots: each a project of its own (ProjectContext.isolatedRoots). */
  const isolatedRoots = new Set<string>();
  const packageRoots = new Map<string, string>();
  const installedTrees = new Map<string, boolean>();
  const configured = new ModulePaths([], sourceRoots);
  for (const file of files) {
    if (file.path === '-') continue;
    const sourcePath = repositoryPath(file.path, cwd, root);
    if (sourcePath === null) continue;
    const module = checkedModule(file.path, sourcePath, file.content);
    checked.push(module);
    if (module.followImports === false) continue;
    // A file that is no module under the source roots (`vendor/python3-httpx/httpx/_client.py`): the folder
    // above its outermost package is where Python finds it (an installed package, a monorepo's project).
    if (configured.moduleName(sourcePath) !== null) continue;
    const packageRoot = packageRootOf(dirname(join(root, sourcePath)), root, packageRoots, installedTrees);
    if (packageRoot !== null && !configuredRoots.has(packageRoot)) isolatedRoots.add(packageRoot);
  }
  const { data } = await buildProjectIndex(checked, { source: diskModuleSource(root), sourceRoots: [...sourceRoots, ...isolatedRoots], isolatedRoots: [...isolatedRoots], cache }, (modules) => analyzer.summarize(modules), {
    displayPath: (path) => relative(cwd, join(root, path)).split(sep).join('/'),
    // No bound but the repository's own size (and the import depth): the files are local, a summary is a few
    // KB, and a bound would make a file's findings depend on how many other packages the same run reached
    // first (the App, reading over the network for one pull request, keeps its own bound).
    maxModules: Number.POSITIVE_INFINITY,
  });
  cache?.save();
  return data;
}

/** The folder a file's modules are named from, relative to the root (POSIX); null outside the root: the
 *  installed tree above `folder` if any, else the first folder up from `folder` (inclusive) without an
 *  `__init__.py`. Answers are kept per folder. */
function packageRootOf(folder: string, root: string, known: Map<string, string>, installedTrees: Map<string, boolean>): string | null {
  const cached = known.get(folder);
  if (cached !== undefined) return cached;
  // In an installed tree (a `*.dist-info` or `*.egg-info` in a folder above) modules are named from that
  // site-packages folder, folders without `__init__.py` included (namespace packages: `cylc/flow/...`, and
  // `cylc/flow/tests/network/`, whose test imports `cylc.flow.tests.util`).
  let at = sitePackagesAbove(folder, root, installedTrees);
  if (at === null) {
    at = folder;
    while (at !== root && existsSync(join(at, '__init__.py')) && dirname(at) !== at) at = dirname(at);
  }
  const inRoot = relative(root, at);
  if (inRoot.startsWith('..')) return null;
  const answer = inRoot.split(sep).join('/');
  known.set(folder, answer);
  return answer;
}

/** The nearest folder from `folder` up to (not including) the root that holds an installed distribution's
 *  metadata, when the folders from there down to `folder` can name a package; else null. */
function sitePackagesAbove(folder: string, root: string, installedTrees: Map<string, boolean>): string | null {
  for (let at = folder; at !== root && dirname(at) !== at; at = dirname(at)) {
    // Files of one package share their folders above: each is listed once per run.
    let installed = installedTrees.get(at);
    if (installed === undefined) installedTrees.set(at, (installed = isSitePackages(at)));
    if (!installed) continue;
    // Only where the folders between name a package (`usr/share/doc/python3-x/examples` holds scripts).
    const between = relative(at, folder);
    return between === '' || between.split(sep).every((part) => /^[A-Za-z_]\w*$/.test(part)) ? at : null;
  }
  return null;
}

/** Does the folder hold an installed distribution's metadata (`name-1.0.dist-info`, `name.egg-info`)? */
function isSitePackages(folder: string): boolean {
  try {
    return readdirSync(folder).some((entry) => entry.endsWith('.dist-info') || entry.endsWith('.egg-info'));
  } catch {
    return false;
  }
}

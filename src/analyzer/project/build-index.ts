// Builds the project index for one analysis: from the checked files' imports, the project modules they reach
// (a few levels deep, following re-exports, bases and helpers' calls), read in batches through the
// ModuleSource and summarized (on the caller's threads), with summaries cached by content. The result is plain
// data (ProjectIndexData) that reaches each file's analysis with the project knowledge.
import { createHash } from 'node:crypto';
import type { ModuleSource, ProjectContext } from './module-source.js';
import { SUMMARY_VERSION, type IndexedModule, type ModuleSummary, type ProjectIndexData } from './summary.js';
import { importedModules, ModulePaths, normalizedRoot } from './module-paths.js';

/** A checked file: its path as the analyzer reports it, its path in the repository, and its text. */
export interface CheckedModule {
  path: string;
  sourcePath: string;
  text: string;
  /** False for a file that says nothing async: its imports are not followed, but it gets its module name (and
   *  scope), so that its analysis, if it names a coroutine the index holds, sees the index. Default true. */
  followImports?: boolean;
}

export interface ModuleToSummarize {
  text: string;
  moduleName: string;
  isPackage: boolean;
  /** The module is this checked file (its path as the analyzer reports it): it is analyzed after the index is
   *  built, so the thread that summarizes it may keep its parse for that. */
  checkedPath?: string;
  /** Keep the parse for the analysis of the same text on the same thread (set by the summarizer's caller). */
  keepTree?: boolean;
}

/** Summarizes modules (parsing them, where the caller's threads are); null for one that could not be. */
export type Summarizer = (modules: readonly ModuleToSummarize[]) => Promise<(ModuleSummary | null)[]>;

/** How many modules an index holds at most, unless the caller says otherwise (bounded memory and requests). */
export const DEFAULT_MAX_MODULES = 2000;

export interface BuildOptions {
  /** How many imports deep from the checked files modules are read (default 3). */
  depth?: number;
  /** At most this many modules are summarized (bounded memory and requests; default DEFAULT_MAX_MODULES). */
  maxModules?: number;
  /** How a repository path is shown in messages (the CLI shows paths relative to its working directory). */
  displayPath?: (sourcePath: string) => string;
}

export interface BuildStats {
  modules: number;
  read: number;
  summarized: number;
  cached: number;
}

export async function buildProjectIndex(checked: readonly CheckedModule[], context: ProjectContext, summarize: Summarizer, options: BuildOptions = {}): Promise<{ data: ProjectIndexData; stats: BuildStats }> {
  const { source, cache } = context;
  const paths = new ModulePaths(await source.listPaths(), context.sourceRoots);
  const isolated = new Set((context.isolatedRoots ?? []).map(normalizedRoot));
  /** The isolated root a module or file lies under, if any (see ProjectContext.isolatedRoots). */
  const scopeOf = (root: string | undefined) => (root !== undefined && isolated.has(root) ? root : undefined);
  const depth = options.depth ?? 3;
  const maxModules = options.maxModules ?? DEFAULT_MAX_MODULES;
  const display = options.displayPath ?? ((path: string) => path);
  const data: ProjectIndexData = { modules: {}, moduleNames: {} };
  const stats: BuildStats = { modules: 0, read: 0, summarized: 0, cached: 0 };
  const texts = new Map<string, string>();
  const checkedPaths = new Map<string, string>();
  let frontier = new Set<string>();
  const reach = (qualifiedName: string) => {
    for (const module of paths.modulesOf(qualifiedName)) frontier.add(module);
  };
  for (const file of checked) {
    const follow = file.followImports !== false;
    if (follow) {
      texts.set(file.sourcePath, file.text);
      checkedPaths.set(file.sourcePath, file.path);
    }
    const name = paths.moduleName(file.sourcePath);
    if (name === null) continue;
    data.moduleNames[file.path] = name;
    const scope = scopeOf(paths.rootOfPath(file.sourcePath));
    if (scope !== undefined) (data.scopes ??= {})[file.path] = scope;
    if (follow) for (const imported of importedModules(file.text, name, isPackage(file.sourcePath))) reach(imported);
  }
  const visited = new Set<string>();
  for (let level = 0; level < depth && frontier.size > 0; level++) {
    const wanted = [...frontier].filter((module) => !visited.has(module)).slice(0, Math.max(0, maxModules - visited.size));
    frontier = new Set();
    for (const module of wanted) visited.add(module);
    const found = await summariesOf(wanted.map((module) => ({ module, path: paths.path(module)! })), source, cache, texts, checkedPaths, summarize, stats);
    for (const [module, { path, summary }] of found) {
      const scope = scopeOf(paths.rootOf(module));
      data.modules[module] = scope === undefined ? { path: display(path), summary } : { path: display(path), summary, scope };
      for (const next of referencedNames(summary)) reach(next);
    }
  }
  stats.modules = Object.keys(data.modules).length;
  return { data, stats };
}

/** The names a summary refers to in other modules: what it re-exports, its star imports, its classes' bases
 *  and attribute types, the functions its sync functions call. */
function referencedNames(summary: ModuleSummary): string[] {
  const names = [...Object.values(summary.imports), ...summary.starImports];
  for (const fn of Object.values(summary.functions)) for (const call of fn.calls ?? []) names.push(call.callee);
  for (const cls of Object.values(summary.classes)) {
    for (const base of cls.bases) if (base) names.push(base);
    for (const type of Object.values(cls.attributes)) if (type) names.push(type);
    for (const method of Object.values(cls.methods)) {
      for (const call of method.calls ?? []) names.push(call.callee);
      if (method.returns) names.push(method.returns);
    }
  }
  return names;
}

async function summariesOf(
  modules: readonly { module: string; path: string }[],
  source: ModuleSource,
  cache: ProjectContext['cache'],
  texts: Map<string, string>,
  checkedPaths: ReadonlyMap<string, string>,
  summarize: Summarizer,
  stats: BuildStats,
): Promise<Map<string, IndexedModule>> {
  const found = new Map<string, IndexedModule>();
  const keyOf = (module: string, path: string, contentId: string) => `async-review:summary:${SUMMARY_VERSION}:${module}:${isPackage(path) ? 'package' : 'module'}:${contentId}`;
  const fromCache = async (key: string): Promise<ModuleSummary | undefined> => {
    if (!cache) return undefined;
    try {
      const cached = await cache.get(key);
      return isSummary(cached) ? cached : undefined;
    } catch {
      return undefined;
    }
  };
  // Known content ids (blob SHAs) answer from the cache without reading the module.
  const toRead: { module: string; path: string }[] = [];
  for (const entry of modules) {
    const contentId = texts.has(entry.path) ? undefined : source.contentId?.(entry.path);
    const cached = contentId ? await fromCache(keyOf(entry.module, entry.path, contentId)) : undefined;
    if (cached) {
      found.set(entry.module, { path: entry.path, summary: cached });
      stats.cached++;
    } else toRead.push(entry);
  }
  const unread = toRead.filter(({ path }) => !texts.has(path)).map(({ path }) => path);
  if (unread.length > 0) {
    const read = await source.read(unread).catch(() => new Map<string, string>());
    stats.read += read.size;
    for (const [path, text] of read) texts.set(path, text);
  }
  const pending: { module: string; path: string; key: string }[] = [];
  for (const entry of toRead) {
    const text = texts.get(entry.path);
    if (text === undefined) continue; // unreadable: unknown
    // Without a cache (the CLI) no key is needed: hashing every module's text would only cost.
    const key = cache ? keyOf(entry.module, entry.path, source.contentId?.(entry.path) ?? contentHash(text)) : '';
    const cached = cache ? await fromCache(key) : undefined;
    if (cached) {
      found.set(entry.module, { path: entry.path, summary: cached });
      stats.cached++;
    } else pending.push({ ...entry, key });
  }
  if (pending.length === 0) return found;
  const summaries = await summarize(pending.map(({ module, path }) => ({ text: texts.get(path)!, moduleName: module, isPackage: isPackage(path), checkedPath: checkedPaths.get(path) })));
  stats.summarized += pending.length;
  for (const [index, { module, path, key }] of pending.entries()) {
    const summary = summaries[index];
    if (!summary) continue;
    found.set(module, { path, summary });
    if (cache) await cache.set(key, summary).catch(() => undefined);
  }
  return found;
}

function isPackage(path: string): boolean {
  return /(^|\/)__init__\.pyi?$/.test(path);
}

function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function isSummary(value: unknown): value is ModuleSummary {
  return typeof value === 'object' && value !== null && (value as ModuleSummary).version === SUMMARY_VERSION;
}

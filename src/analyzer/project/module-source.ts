// The seam between the project index (which modules a checked file's imports reach, and what they tell it)
// and where module text comes from: the disk for the CLI, the head commit's tree for the App.
// The index asks; a source answers. Nothing here knows about GitHub or the file system.

/** Where the project index reads the modules a checked file imports. Paths are POSIX, relative to the
 *  repository root (the same paths the analyzer's findings carry). */
export interface ModuleSource {
  /** Every file path the project has (or at least every `.py`/`.pyi` file), so imports resolve without
   *  reading: `a.b` → `a/b.py` or `a/b/__init__.py` under a source root. */
  listPaths(): Promise<ReadonlySet<string>>;
  /** A stable id of a file's content known without reading it (the git blob SHA in the App), so a cached
   *  summary is used without fetching the text. Absent or undefined: the index hashes the text it reads. */
  contentId?(path: string): string | undefined;
  /** Reads several modules at once (one batched request in the App). A path that is missing, binary or
   *  unreadable is absent from the result, and stays unknown to the index. */
  read(paths: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** Module summaries by content id (blob SHA or content hash): plain JSON data, so a shared store (Redis) can
 *  hold them when the App runs on several workers. A miss is undefined; errors are treated as misses. */
export interface SummaryCache {
  get(contentId: string): Promise<unknown | undefined>;
  set(contentId: string, summary: unknown): Promise<void>;
}

/** Repository context for one analysis: where imported modules are read, and where their summaries are
 *  cached. Absent: every rule sees only the checked files (and the cross-module questions stay unknown). */
export interface ProjectContext {
  source: ModuleSource;
  cache?: SummaryCache;
  /** Folders imports resolve under, relative to the repository root (default: '' and 'src', as ruff does). */
  sourceRoots?: readonly string[];
  /** Source roots that are separate projects (each package folder found outside the source roots: the
   *  projects of a monorepo, vendored trees). Python run from one of them does not see another's modules, so a
   *  module under one is known only to the files under the same root; a name they share stays unknown. */
  isolatedRoots?: readonly string[];
}

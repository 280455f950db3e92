// Repository context for the App: where the project index reads the modules the changed files import.
// The head tree (head-tree.ts) answers listPaths and contentId (the blob SHA) without reading anything;
// read() fetches many modules at the head commit in ONE batched GraphQL query per call.
//
// Budget (the issue's: at most 2 more API requests and 0.5 s more than a review without context):
//   - the tree is 1 REST GET, run beside the snapshot query;
//   - reads are at most `maxReadRequests` (default 1) GraphQL queries. They are read-only queries, so they
//     go out on a client without Probot's write throttle (readonly-graphql.ts), which would hold each one
//     ≥ 1 s behind the previous write. The last allowed query also fetches, ahead of time, the not yet
//     cached sibling modules of the requested ones, where the next level of imports usually lives
//     (`from .db import …`); a later read() is answered from those, and what was not fetched stays unknown.
// Memory: at most `maxModules` modules and `maxTotalBytes` of text per review; a module over
// `maxModuleBytes` (by the tree's size) is not fetched. Binary, truncated, oversized and missing modules
// are absent from read()'s answer: unknown to the index. Any failure makes the rest of the reads unknown.
import type { ModuleSource } from '../analyzer/project/module-source.js';
import type { RepoRef } from './client.js';
import type { HeadTree } from './head-tree.js';

export type Graphql = <T>(query: string, parameters: Record<string, unknown>) => Promise<T>;

export interface ContextLimits {
  /** Batched GraphQL queries one review may make. */
  maxReadRequests: number;
  /** Modules one review may fetch (requested and fetched ahead). */
  maxModules: number;
  /** A larger module is not fetched (unknown). */
  maxModuleBytes: number;
  /** Module text one review may hold in all. */
  maxTotalBytes: number;
  /** Sibling modules the last allowed query fetches ahead. */
  maxPrefetch: number;
  /** A query slower than this is abandoned (its modules stay unknown). */
  timeoutMs: number;
}

export const DEFAULT_CONTEXT_LIMITS: ContextLimits = {
  maxReadRequests: 1,
  maxModules: 200,
  maxModuleBytes: 256 * 1024,
  maxTotalBytes: 4 * 1024 * 1024,
  maxPrefetch: 60,
  timeoutMs: 3_000,
};

export interface GitHubModuleSourceOptions extends RepoRef {
  headSha: string;
  tree: HeadTree;
  /** The client the reads use; asked for on the first read that needs the network. */
  graphql: () => Promise<Graphql>;
  /** Whether a summary of this content is cached already: such modules are not fetched ahead. */
  isCached?: (contentId: string) => Promise<boolean>;
  limits?: Partial<ContextLimits>;
  /** Told about a failed read (the review goes on; the modules stay unknown). */
  onError?: (error: unknown) => void;
}

export interface ContextReadStats {
  requests: number;
  modulesFetched: number;
  bytesFetched: number;
  /** Fetched ahead and then asked for: a query saved. */
  prefetchHits: number;
  /** Asked for but not fetched: missing, binary, oversized, over a cap, or after a failure. */
  unknown: number;
}

const BLOB_FIELDS = '... on Blob { text isBinary isTruncated byteSize }';

export class GitHubModuleSource implements ModuleSource {
  readonly stats: ContextReadStats = { requests: 0, modulesFetched: 0, bytesFetched: 0, prefetchHits: 0, unknown: 0 };
  private readonly limits: ContextLimits;
  /** Texts fetched in this review (asked for or ahead), by path. */
  private readonly texts = new Map<string, string>();
  private readonly prefetched = new Set<string>();
  /** Fetched or tried and unreadable: never asked again. */
  private readonly tried = new Set<string>();
  private paths?: ReadonlySet<string>;
  private byFolder?: Map<string, string[]>;
  private failed = false;
  /** Reads run one after another, so concurrent calls share the request budget and what was fetched. */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: GitHubModuleSourceOptions) {
    this.limits = { ...DEFAULT_CONTEXT_LIMITS, ...options.limits };
  }

  async listPaths(): Promise<ReadonlySet<string>> {
    this.paths ??= new Set(this.options.tree.keys());
    return this.paths;
  }

  contentId(path: string): string | undefined {
    return this.options.tree.get(path)?.sha;
  }

  read(paths: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const next = this.previous.then(() => this.readNow(paths));
    this.previous = next.catch(() => undefined);
    return next;
  }

  private async readNow(paths: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const result = new Map<string, string>();
    const wanted: string[] = [];
    for (const path of new Set(paths)) {
      const text = this.texts.get(path);
      if (text !== undefined) {
        result.set(path, text);
        if (this.prefetched.delete(path)) this.stats.prefetchHits++;
      } else if (!this.tried.has(path) && this.isFetchable(path)) wanted.push(path);
      else this.stats.unknown++;
    }
    if (wanted.length === 0) return result;
    if (this.failed || this.stats.requests >= this.limits.maxReadRequests) {
      this.stats.unknown += wanted.length;
      return result;
    }
    const isLastRequest = this.stats.requests + 1 >= this.limits.maxReadRequests;
    const ahead = isLastRequest ? await this.siblingsToFetchAhead(wanted) : [];
    const batch = this.withinCaps([...wanted, ...ahead]);
    const wantedSet = new Set(wanted);
    const batchSet = new Set(batch);
    this.stats.unknown += wanted.filter((path) => !batchSet.has(path)).length;
    if (batch.length === 0) return result;

    for (const path of batch) this.tried.add(path);
    this.stats.requests++;
    let fetched: Map<string, string>;
    try {
      fetched = await this.fetchTexts(batch);
    } catch (error) {
      this.failed = true;
      this.stats.unknown += batch.filter((path) => wantedSet.has(path)).length;
      this.options.onError?.(error);
      return result;
    }
    for (const path of batch) {
      const text = fetched.get(path);
      if (text === undefined) {
        if (wantedSet.has(path)) this.stats.unknown++;
        continue;
      }
      this.texts.set(path, text);
      if (wantedSet.has(path)) result.set(path, text);
      else this.prefetched.add(path);
    }
    return result;
  }

  private isFetchable(path: string): boolean {
    const blob = this.options.tree.get(path);
    return blob !== undefined && blob.size <= this.limits.maxModuleBytes;
  }

  /** Keeps paths in order while the review's module and byte caps allow (sizes from the tree). */
  private withinCaps(paths: readonly string[]): string[] {
    let modules = this.stats.modulesFetched;
    let bytes = this.stats.bytesFetched;
    const kept: string[] = [];
    for (const path of paths) {
      const size = this.options.tree.get(path)!.size;
      if (modules + 1 > this.limits.maxModules || bytes + size > this.limits.maxTotalBytes) continue;
      modules++;
      bytes += size;
      kept.push(path);
    }
    return kept;
  }

  /** The other modules of the requested modules' folders that are neither fetched nor cached. */
  private async siblingsToFetchAhead(wanted: readonly string[]): Promise<string[]> {
    if (this.limits.maxPrefetch <= 0) return [];
    const wantedSet = new Set(wanted);
    const candidates: string[] = [];
    for (const folder of new Set(wanted.map(folderOf))) {
      for (const path of this.folderIndex().get(folder) ?? []) {
        if (!wantedSet.has(path) && !this.tried.has(path) && this.isFetchable(path)) candidates.push(path);
      }
    }
    const limited = candidates.slice(0, this.limits.maxPrefetch * 2);
    const isCached = this.options.isCached;
    if (!isCached) return limited.slice(0, this.limits.maxPrefetch);
    const cached = await Promise.all(limited.map((path) => isCached(this.contentId(path)!).catch(() => false)));
    return limited.filter((_, index) => !cached[index]).slice(0, this.limits.maxPrefetch);
  }

  private folderIndex(): Map<string, string[]> {
    if (this.byFolder) return this.byFolder;
    this.byFolder = new Map();
    for (const path of [...this.options.tree.keys()].sort()) {
      const folder = folderOf(path);
      const list = this.byFolder.get(folder);
      if (list) list.push(path);
      else this.byFolder.set(folder, [path]);
    }
    return this.byFolder;
  }

  /** One GraphQL query: `f0: object(expression: "SHA:path") { ... on Blob { text … } }` per path. */
  private async fetchTexts(paths: readonly string[]): Promise<Map<string, string>> {
    const { owner, repo, headSha } = this.options;
    const variables: Record<string, unknown> = { owner, name: repo };
    const declarations = ['$owner: String!', '$name: String!'];
    const fields = paths.map((path, index) => {
      variables[`f${index}`] = `${headSha}:${path}`;
      declarations.push(`$f${index}: String!`);
      return `f${index}: object(expression: $f${index}) { ${BLOB_FIELDS} }`;
    });
    const query = `query RepositoryContext(${declarations.join(', ')}) {\n  repository(owner: $owner, name: $name) {\n    ${fields.join('\n    ')}\n  }\n}`;
    const graphql = await this.options.graphql();
    const data = await graphql<{ repository: Record<string, BlobNode | null> }>(query, {
      ...variables,
      request: { signal: AbortSignal.timeout(this.limits.timeoutMs) },
    });
    const texts = new Map<string, string>();
    paths.forEach((path, index) => {
      const blob = data.repository?.[`f${index}`];
      if (!blob || blob.isBinary || blob.isTruncated || typeof blob.text !== 'string') return;
      if (blob.byteSize > this.limits.maxModuleBytes) return;
      this.stats.modulesFetched++;
      this.stats.bytesFetched += blob.byteSize;
      texts.set(path, blob.text);
    });
    return texts;
  }
}

interface BlobNode {
  text: string | null;
  isBinary: boolean;
  isTruncated: boolean;
  byteSize: number;
}

function folderOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), 0));
}

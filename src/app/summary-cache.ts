// Module summaries by content id (the git blob SHA), kept across pushes so that a new push re-reads only
// the modules whose content changed. In memory by default; in Redis when the App runs on several workers.
// Summaries are stored as JSON text: plain data, measured exactly, never shared mutable objects.
import type { SummaryCache } from '../analyzer/project/module-source.js';

/** A SummaryCache that can also say whether it holds an id (the App's reads skip fetching those ahead). */
export interface AppSummaryCache extends SummaryCache {
  has(contentId: string): Promise<boolean>;
}

export interface MemoryCacheLimits {
  /** Summaries kept at most (default 20 000). */
  maxEntries?: number;
  /** JSON characters kept at most, about bytes (default 64 MB). */
  maxChars?: number;
}

/** A bounded LRU in the App's process: the least recently used summaries go first. */
export class MemorySummaryCache implements AppSummaryCache {
  private readonly entries = new Map<string, string>();
  private chars = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;

  constructor(limits: MemoryCacheLimits = {}) {
    this.maxEntries = limits.maxEntries ?? 20_000;
    this.maxChars = limits.maxChars ?? 64 * 1024 * 1024;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(contentId: string): Promise<unknown | undefined> {
    const json = this.entries.get(contentId);
    if (json === undefined) return undefined;
    this.entries.delete(contentId);
    this.entries.set(contentId, json);
    return JSON.parse(json) as unknown;
  }

  async has(contentId: string): Promise<boolean> {
    return this.entries.has(contentId);
  }

  async set(contentId: string, summary: unknown): Promise<void> {
    const json = JSON.stringify(summary);
    if (json === undefined || json.length > this.maxChars) return;
    this.forget(contentId);
    this.entries.set(contentId, json);
    this.chars += json.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.forget(oldest);
    }
  }

  private forget(contentId: string): void {
    const json = this.entries.get(contentId);
    if (json === undefined) return;
    this.chars -= json.length;
    this.entries.delete(contentId);
  }
}

/** The part of a Redis client the cache needs (ioredis's `get` and `set(key, value, 'EX', seconds)`). */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, expiryMode: 'EX', seconds: number): Promise<unknown>;
  exists?(key: string): Promise<number>;
}

export interface RedisCacheOptions {
  /** Key prefix; it names the summary format, so an App with another format never reads these. */
  prefix?: string;
  /** Seconds a summary lives unused (default 7 days). */
  ttlSeconds?: number;
}

/** Summaries in a Redis all workers share. Its errors are misses: context is best-effort. */
export class RedisSummaryCache implements AppSummaryCache {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(private readonly redis: RedisLike, options: RedisCacheOptions = {}) {
    this.prefix = options.prefix ?? `async-review:summary:${SUMMARY_FORMAT}:`;
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
  }

  async get(contentId: string): Promise<unknown | undefined> {
    try {
      const json = await this.redis.get(this.prefix + contentId);
      return json === null ? undefined : (JSON.parse(json) as unknown);
    } catch {
      return undefined;
    }
  }

  async has(contentId: string): Promise<boolean> {
    try {
      if (this.redis.exists) return (await this.redis.exists(this.prefix + contentId)) > 0;
      return (await this.redis.get(this.prefix + contentId)) !== null;
    } catch {
      return false;
    }
  }

  async set(contentId: string, summary: unknown): Promise<void> {
    const json = JSON.stringify(summary);
    if (json === undefined) return;
    try {
      await this.redis.set(this.prefix + contentId, json, 'EX', this.ttlSeconds);
    } catch {
      // a summary not shared is computed again next time
    }
  }
}

/** Bump when the analyzer's summary shape changes, so a shared store's old entries are not read. */
export const SUMMARY_FORMAT = 'v1';

let appCache: AppSummaryCache = new MemorySummaryCache();

/** The cache every review in this process uses (in memory unless the App was given a shared one). */
export function appSummaryCache(): AppSummaryCache {
  return appCache;
}

/** At start-up, e.g. `useSummaryCache(new RedisSummaryCache(redis))` when REDIS_URL is set. */
export function useSummaryCache(cache: AppSummaryCache): void {
  appCache = cache;
}

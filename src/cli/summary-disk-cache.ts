// The CLI's SummaryCache: module summaries kept on disk between runs, as ruff keeps `.ruff_cache`. A summary is
// keyed by the summary format, the module's name and a hash of its text, so an edited module (or a new
// async-review with another summary format) simply misses. The next `check .` then summarizes only the modules
// that changed: reading the imported modules costs their parse only once per content.
//
// The cache is one JSON file, read once and written once (atomically) after the index is built; another version
// of async-review starts it afresh (its summaries may differ even where the format does not). Anything wrong
// with it (missing, unreadable, corrupt, a read-only folder) costs only the speed-up, never the check.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { SummaryCache } from '../analyzer/project/module-source.js';
import { packageVersion } from './output.js';

/** The cache's folder under the repository root (skipped when `check` collects files). */
export const CACHE_FOLDER = '.async-review-cache';
const CACHE_FILE = 'summaries.json';
/** Bumped when the file's own layout changes (the summary format is part of every key). */
const FILE_FORMAT = 1;
/** Past this many summaries, only those this run used are kept: old contents of edited modules would
 *  otherwise pile up forever. */
const MAX_ENTRIES = 20_000;

export class DiskSummaryCache implements SummaryCache {
  private readonly entries: Map<string, unknown>;
  private readonly used = new Set<string>();
  private changed = false;

  private constructor(private readonly folder: string, entries: Map<string, unknown>) {
    this.entries = entries;
  }

  /** The cache in `folder`, with what an earlier run left there (nothing, if the file is missing or bad). */
  static open(folder: string): DiskSummaryCache {
    return new DiskSummaryCache(folder, readEntries(join(folder, CACHE_FILE)));
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<unknown | undefined> {
    const summary = this.entries.get(key);
    if (summary !== undefined) this.used.add(key);
    return summary;
  }

  async set(key: string, summary: unknown): Promise<void> {
    this.entries.set(key, summary);
    this.used.add(key);
    this.changed = true;
  }

  /** Writes the summaries for the next run, if this run added any. Never throws: a cache that cannot be
   *  written only means the next run summarizes again. */
  save(): void {
    if (!this.changed) return;
    const kept = this.entries.size > MAX_ENTRIES ? [...this.entries].filter(([key]) => this.used.has(key)) : [...this.entries];
    try {
      mkdirSync(this.folder, { recursive: true });
      // As ruff does: the folder ignores itself in git, and backup tools skip it.
      writeFileSync(join(this.folder, '.gitignore'), '# Created by async-review: cached module summaries.\n*\n');
      writeFileSync(join(this.folder, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# async-review cache: https://bford.info/cachedir/\n');
      writeFileAtomic.sync(join(this.folder, CACHE_FILE), JSON.stringify({ format: FILE_FORMAT, asyncReview: packageVersion(), summaries: Object.fromEntries(kept) }));
      this.changed = false;
    } catch {
      // read-only checkout, full disk: the check itself is unaffected
    }
  }
}

function readEntries(file: string): Map<string, unknown> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; asyncReview?: unknown; summaries?: unknown };
    if (parsed.format !== FILE_FORMAT || parsed.asyncReview !== packageVersion() || typeof parsed.summaries !== 'object' || parsed.summaries === null) return new Map();
    return new Map(Object.entries(parsed.summaries));
  } catch {
    return new Map();
  }
}

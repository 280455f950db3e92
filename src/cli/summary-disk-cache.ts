// The CLI's SummaryCache: module summaries kept on disk between runs, as ruff keeps `.ruff_cache`. A summary is
// keyed by the summary format, the module's name and a hash of its text, so an edited module (or a new
// async-review with another summary format) simply misses. The next `check .` then summarizes only the modules
// that changed: reading the imported modules costs their parse only once per content.
//
// One small JSON file per summary, under a folder named for the async-review version that wrote it (another
// version's summaries may differ even where the format does not, so its folder is removed). A run reads only the
// summaries it asks for, and writes the new ones after the index is built. Anything wrong with the cache
// (missing, unreadable, corrupt, a read-only folder) costs only the speed-up, never the check.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SummaryCache } from '../analyzer/project/module-source.js';
import { packageVersion } from './output.js';

/** The cache's folder under the repository root (skipped when `check` collects files). */
export const CACHE_FOLDER = '.async-review-cache';
/** Bumped when the folder's own layout changes (the summary format is part of every key). */
const LAYOUT = 2;

export class DiskSummaryCache implements SummaryCache {
  private readonly entries = new Map<string, unknown>();
  private readonly added = new Map<string, unknown>();
  private readonly summaries: string;

  private constructor(private readonly folder: string) {
    this.summaries = join(folder, `summaries-${LAYOUT}-${packageVersion().replace(/[^\w.-]/g, '_')}`);
  }

  /** The cache in `folder`, with what an earlier run of this version left there. */
  static open(folder: string): DiskSummaryCache {
    return new DiskSummaryCache(folder);
  }

  async get(key: string): Promise<unknown | undefined> {
    if (this.entries.has(key)) return this.entries.get(key);
    let summary: unknown;
    try {
      summary = JSON.parse(readFileSync(this.fileOf(key), 'utf8'));
    } catch {
      summary = undefined; // missing or torn: a miss
    }
    this.entries.set(key, summary);
    return summary;
  }

  async set(key: string, summary: unknown): Promise<void> {
    this.entries.set(key, summary);
    this.added.set(key, summary);
  }

  /** Writes the summaries this run added, for the next run. Never throws: a cache that cannot be written only
   *  means the next run summarizes again. */
  save(): void {
    if (this.added.size === 0) return;
    try {
      mkdirSync(this.summaries, { recursive: true });
      // As ruff does: the folder ignores itself in git, and backup tools skip it.
      writeFileSync(join(this.folder, '.gitignore'), '# Created by async-review: cached module summaries.\n*\n');
      writeFileSync(join(this.folder, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# async-review cache: https://bford.info/cachedir/\n');
      this.dropOtherVersions();
      for (const [key, summary] of this.added) writeFileSync(this.fileOf(key), JSON.stringify(summary));
      this.added.clear();
    } catch {
      // read-only checkout, full disk: the check itself is unaffected
    }
  }

  private fileOf(key: string): string {
    return join(this.summaries, `${createHash('sha1').update(key).digest('hex')}.json`);
  }

  private dropOtherVersions(): void {
    for (const entry of readdirSync(this.folder)) {
      if (entry.startsWith('summaries') && join(this.folder, entry) !== this.summaries) rmSync(join(this.folder, entry), { recursive: true, force: true });
    }
  }
}

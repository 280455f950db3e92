// The embedded queue's journal: the reviews queued or running, and the check run each one opened, in one
// small JSON file under the data directory (DATA_DIR, default ./data). On start the App takes every journaled
// job up again, so a killed process loses no review and leaves no check run in progress.
// Each change rewrites the whole file (it holds only the jobs in flight: a few KB) through write-file-atomic:
// a temporary file, fsync, then rename, so a crash leaves the previous or the next version, never half of one.
// Writes are coalesced: while one is on disk, later changes wait and go together in the next.
import { constants, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ReviewJob } from './queue.js';

export const JOURNAL_FILE = 'jobs.json';
/** Delivery ids whose review ran, kept so that GitHub's redelivery after a restart is still recognised. */
const REMEMBERED_DELIVERIES = 500;

export interface JournalEntry {
  /** The queue's key, repo#pr@sha. */
  key: string;
  job: ReviewJob;
  /** From a push (it supersedes older queued pushes of its pull request). */
  newHead: boolean;
  deliveryId?: string;
  /** Runs started so far, including one a crash interrupted. */
  attempts: number;
  /** The check run an attempt opened: later attempts complete this one instead of opening another. */
  checkRunId?: number;
  enqueuedAt: string;
}

interface JournalFile {
  version: 1;
  jobs: JournalEntry[];
  delivered: string[];
}

export interface JournalLog {
  warn(message: string): void;
  error(object: object, message: string): void;
}

/** Where the App keeps its state: DATA_DIR, else ./data under the working directory. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DATA_DIR?.trim() || 'data');
}

export class JobJournal {
  readonly path: string;
  readonly #jobs = new Map<string, JournalEntry>();
  readonly #delivered: string[] = [];
  readonly #log: JournalLog | undefined;
  /** Changes made / changes on disk (counters): flush() waits until the second catches the first. */
  #version = 0;
  #written = 0;
  #writing: Promise<void> | undefined;
  #lastError: unknown;

  /** Opens (creating the directory) and reads the journal. A file that cannot be parsed is moved aside. */
  static open(directory: string, log?: JournalLog): JobJournal {
    mkdirSync(directory, { recursive: true });
    return new JobJournal(join(directory, JOURNAL_FILE), log);
  }

  private constructor(path: string, log: JournalLog | undefined) {
    this.path = path;
    this.#log = log;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const file = JSON.parse(text) as JournalFile;
      for (const entry of file.jobs ?? []) if (isEntry(entry)) this.#jobs.set(entry.key, entry);
      for (const id of file.delivered ?? []) if (typeof id === 'string') this.#delivered.push(id);
    } catch (error) {
      // Only a disk fault or a hand edit gets here (writes are atomic): keep the bytes for a post-mortem.
      const aside = `${path}.unreadable-${Date.now()}`;
      renameSync(path, aside);
      log?.error({ err: error }, `job journal ${path} could not be parsed: moved to ${aside}, starting empty`);
    }
  }

  /** Journaled jobs, oldest first. */
  entries(): JournalEntry[] {
    return [...this.#jobs.values()];
  }

  get size(): number {
    return this.#jobs.size;
  }

  get(key: string): JournalEntry | undefined {
    return this.#jobs.get(key);
  }

  put(entry: JournalEntry): void {
    this.#jobs.set(entry.key, entry);
    this.#changed();
  }

  update(key: string, patch: Partial<Omit<JournalEntry, 'key'>>): void {
    const entry = this.#jobs.get(key);
    if (!entry) return;
    this.#jobs.set(key, { ...entry, ...patch });
    this.#changed();
  }

  remove(key: string): void {
    if (this.#jobs.delete(key)) this.#changed();
  }

  hasDelivered(deliveryId: string): boolean {
    return this.#delivered.includes(deliveryId);
  }

  recordDelivered(deliveryId: string): void {
    if (this.hasDelivered(deliveryId)) return;
    this.#delivered.push(deliveryId);
    if (this.#delivered.length > REMEMBERED_DELIVERIES) this.#delivered.shift();
    this.#changed();
  }

  /** Resolves when every change made so far is on disk; rejects when the write failed. */
  async flush(): Promise<void> {
    const target = this.#version;
    while (this.#written < target) {
      this.#writing ??= this.#writeOnce().finally(() => (this.#writing = undefined));
      await this.#writing;
    }
  }

  /** The last write's failure (readiness reports it); undefined once a write succeeds again. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Readiness: null when the journal can be written, else why not. */
  async check(): Promise<string | null> {
    if (this.#lastError !== undefined) return `journal not written: ${(this.#lastError as Error).message ?? String(this.#lastError)}`;
    try {
      await access(dirname(this.path), constants.W_OK);
      return null;
    } catch (error) {
      return `data directory not writable: ${(error as Error).message}`;
    }
  }

  #changed(): void {
    this.#version++;
    this.flush().catch(() => {
      // Said once per failed write (in #writeOnce); the next change or flush() tries again.
    });
  }

  async #writeOnce(): Promise<void> {
    const version = this.#version;
    const file: JournalFile = { version: 1, jobs: [...this.#jobs.values()], delivered: this.#delivered };
    try {
      await writeFileAtomic(this.path, `${JSON.stringify(file)}\n`, { fsync: true });
      this.#written = version;
      this.#lastError = undefined;
    } catch (error) {
      if (this.#lastError === undefined) this.#log?.error({ err: error }, `could not write the job journal ${this.path}`);
      this.#lastError = error;
      throw error;
    }
  }
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as JournalEntry | null;
  return (
    typeof entry?.key === 'string' &&
    typeof entry.job?.owner === 'string' &&
    typeof entry.job.repo === 'string' &&
    typeof entry.job.pullNumber === 'number' &&
    typeof entry.job.headSha === 'string' &&
    typeof entry.job.installationId === 'number'
  );
}

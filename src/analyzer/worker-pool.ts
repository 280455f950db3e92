// Long-lived analyzer threads for a server: the App analyzes off its event loop, so that webhook intake and
// health checks stay responsive while a big pull request is parsed. Each thread keeps one engine per set
// of options (compiling the query is the costly part of an engine).
//
// Every file has a deadline and a memory ceiling (limits.ts). The thread enforces them itself where it can
// (tree-sitter's parse and query are cancelled from their progress callbacks); a thread still busy with one file
// a grace period past that file's deadline, or one that dies (out of memory under its resourceLimits, a crash),
// is stopped and replaced: that file becomes a problem, and the job's files after it go on on the new thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, FileLimits, SourceFile } from './types.js';
import { analyzeFiles, createEngine, summarizeModules } from './index.js';
import { balance, merge, mightHaveFindingsInFile, sizeOf } from './shares.js';
import { hardTimeLimitMs, fileTimeLimitMs, resolveLimits, timeLimitMessage, UNUSABLE_EXIT_CODE } from './limits.js';
import type { PoolMessage } from './pool-worker.js';
import type { ModuleToSummarize } from './project/build-index.js';
import type { ModuleSummary } from './project/summary.js';
import { withProjectIndex } from './project/with-index.js';

/** Work per thread below which splitting a request over more threads is not worth a message. */
const BYTES_PER_THREAD = 256 * 1024;
/** The time a new thread may take to start (load the wasm, compile the query) on top of its first file's. */
const START_UP_MS = 10_000;

export interface PoolLimits extends FileLimits {
  /** Time a new thread may take to start, on top of its first file's limit (default 10 s). */
  startUpMs?: number;
}

/** A share of a request, waiting for or running on a thread. `next`: the first file not yet analyzed. */
interface Job {
  files: SourceFile[];
  options: AnalyzeOptions;
  results: AnalysisResult[];
  resolve: (result: AnalysisResult) => void;
  /** A job of modules to summarize for the project index (files then carry their texts, for the timing). */
  summarize?: { modules: ModuleToSummarize[]; resolve: (summaries: (ModuleSummary | null)[]) => void };
}

/** One thread runs one job at a time, so that each file's time limit counts its own work only. */
interface PoolThread {
  worker: Worker;
  running: Job | null;
  /** Index in the running job of the file being analyzed, once the thread has said so. */
  current: number;
  /** Files of the running job analyzed so far (their results are in job.results). */
  done: number;
  waiting: Job[];
  started: boolean;
  timer?: NodeJS.Timeout;
}

export class AnalyzerPool {
  private readonly threads: (PoolThread | undefined)[] = [];
  private readonly limits: Required<FileLimits>;
  private readonly startUpMs: number;

  constructor(
    private readonly size = Math.max(1, availableParallelism() - 1),
    limits: PoolLimits = {},
    /** The compiled thread to run (tests run a stand-in); default ./pool-worker.js beside this module. */
    private readonly workerUrl = new URL('./pool-worker.js', import.meta.url),
  ) {
    const { startUpMs, ...fileLimits } = limits;
    this.limits = resolveLimits(fileLimits);
    this.startUpMs = startUpMs ?? START_UP_MS;
  }

  /** Analyze on the pool's threads, split by size; on the calling thread when there is no compiled worker
   *  (running from TypeScript sources, e.g. under vitest). The pool's limits apply unless `options` sets its own. */
  async analyze(files: readonly SourceFile[], givenOptions: AnalyzeOptions = {}): Promise<AnalysisResult> {
    // Repository context: the project index is built first (its modules summarized on the pool's threads).
    const options = await withProjectIndex(files, givenOptions, (modules) => this.summarize(modules));
    const withLimits: AnalyzeOptions = { ...options, limits: { ...this.limits, ...options.limits } };
    if (!import.meta.url.endsWith('.js')) return analyzeFiles(files, withLimits, await createEngine(options));
    const candidates = files.filter((file) => mightHaveFindingsInFile(file, options));
    const bytes = candidates.reduce((sum, file) => sum + sizeOf(file), 0);
    const shares = balance(candidates, Math.min(this.size, Math.max(1, Math.ceil(bytes / BYTES_PER_THREAD))));
    const results = await Promise.all(shares.map((share, index) => new Promise<AnalysisResult>((resolve) => this.enqueue(index, { files: share, options: withLimits, results: [], resolve }))));
    return merge(results, files, files.length - candidates.length);
  }

  /** Summarize modules for the project index on the pool's threads (split by size, like files); a module whose
   *  thread fails or runs out of time stays unknown (null). */
  async summarize(modules: readonly ModuleToSummarize[]): Promise<(ModuleSummary | null)[]> {
    if (modules.length === 0) return [];
    if (!import.meta.url.endsWith('.js')) return summarizeModules(await createEngine({}), modules, this.limits);
    const files = modules.map((module) => ({ path: module.moduleName, content: module.text }));
    const bytes = files.reduce((sum, file) => sum + sizeOf(file), 0);
    const count = Math.min(this.size, Math.max(1, Math.ceil(bytes / BYTES_PER_THREAD)));
    const size = Math.ceil(modules.length / count);
    const parts = await Promise.all(Array.from({ length: count }, (_, index) => new Promise<(ModuleSummary | null)[]>((resolve) => {
      const share = modules.slice(index * size, (index + 1) * size);
      if (share.length === 0) return resolve([]);
      this.enqueue(index, {
        files: files.slice(index * size, (index + 1) * size), options: { limits: this.limits }, results: [], resolve: () => undefined,
        summarize: { modules: share, resolve },
      });
    })));
    return parts.flat();
  }

  close(): void {
    for (const thread of this.threads.splice(0)) {
      if (thread) clearTimeout(thread.timer);
      void thread?.worker.terminate();
    }
  }

  private enqueue(index: number, job: Job): void {
    const thread = this.threads[index] ?? this.start(index);
    thread.waiting.push(job);
    if (!thread.running) this.runNext(thread);
  }

  private runNext(thread: PoolThread): void {
    const job = thread.waiting.shift();
    thread.running = job ?? null;
    thread.current = -1;
    thread.done = 0;
    if (!job) {
      thread.worker.unref(); // idle: let the process exit
      return;
    }
    thread.worker.ref(); // keep the process alive while this thread owes an answer
    this.arm(thread, 0);
    thread.worker.postMessage({ files: job.files, options: job.options, summarize: job.summarize?.modules });
  }

  /** Time file `index` of the running job: its hard limit, plus the start-up allowance on a new thread. */
  private arm(thread: PoolThread, index: number): void {
    clearTimeout(thread.timer);
    const job = thread.running!;
    const file = job.files[index];
    if (!file) return;
    const limitMs = hardTimeLimitMs(this.limitsOf(job), sizeOf(file)) + (thread.started ? 0 : this.startUpMs);
    thread.timer = setTimeout(() => this.stop(thread, timeLimitMessage(fileTimeLimitMs(this.limitsOf(job), sizeOf(file)))), limitMs);
  }

  private limitsOf(job: Job): Required<FileLimits> {
    return resolveLimits(job.options.limits);
  }

  private receive(thread: PoolThread, message: PoolMessage): void {
    const job = thread.running;
    if (!job) return;
    if (message.type === 'start') {
      thread.current = message.index;
      if (!thread.started) {
        thread.started = true;
        this.arm(thread, message.index); // the start-up allowance is spent
      }
    } else if (message.type === 'summaries') {
      job.summarize?.resolve(message.summaries);
      this.finish(thread); // the thread takes its next job
    } else if (message.type === 'file') {
      job.results.push(message.result);
      thread.done = message.index + 1;
      this.arm(thread, thread.done);
    } else {
      this.finish(thread);
    }
  }

  private finish(thread: PoolThread): void {
    clearTimeout(thread.timer);
    const job = thread.running;
    if (job) job.resolve(merge(job.results, job.files, 0));
    this.runNext(thread);
  }

  /** A thread that died or ran out of time costs the file it was on a problem, never the review: the job's
   *  later files and the jobs waiting behind it move to a new thread. `reason` null: no file is to blame (the
   *  thread stopped itself after a file it already reported). */
  private stop(thread: PoolThread, reason: string | null): void {
    clearTimeout(thread.timer);
    const index = this.threads.indexOf(thread);
    if (index < 0) return; // already replaced
    this.threads[index] = undefined;
    void thread.worker.terminate();
    const job = thread.running;
    thread.running = null;
    const waiting = thread.waiting.splice(0);
    if (job?.summarize) job.summarize.resolve(job.summarize.modules.map(() => null)); // what it knew stays unknown
    else if (job) {
      let next = thread.done;
      if (reason !== null && next < job.files.length) {
        const file = job.files[next]!;
        job.results.push({ findings: [], problems: [{ path: file.path, message: reason }], filesParsed: 0, filesSkipped: 1 });
        next++;
      }
      const rest = job.files.slice(next);
      if (rest.length === 0) job.resolve(merge(job.results, job.files, 0));
      else {
        const earlier = job.results;
        const resolve = job.resolve;
        // The rest of the job, on the new thread; its results join what this thread found.
        waiting.unshift({ files: rest, options: job.options, results: [], resolve: (result) => resolve(merge([...earlier, result], job.files, 0)) });
      }
    }
    for (const job of waiting) this.enqueue(index, job);
  }

  private start(index: number): PoolThread {
    const worker = new Worker(this.workerUrl, {
      // The JS heap's hard ceiling: past it the thread is stopped (ERR_WORKER_OUT_OF_MEMORY) and replaced.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(256, 2 * this.limits.memoryLimitMB) },
    });
    worker.unref();
    const thread: PoolThread = { worker, running: null, current: -1, done: 0, waiting: [], started: false };
    worker.on('message', (message: PoolMessage) => this.receive(thread, message));
    worker.on('error', (error) => this.stop(thread, (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? `not analyzed: the analyzer thread ran out of memory (over ${Math.max(256, 2 * this.limits.memoryLimitMB)} MB)`
      : `internal error: analyzer thread failed: ${error.message}`));
    worker.on('exit', (code) => this.stop(thread, code === UNUSABLE_EXIT_CODE && thread.done > thread.current ? null : `internal error: analyzer thread exited with code ${code}`));
    this.threads[index] = thread;
    return thread;
  }
}

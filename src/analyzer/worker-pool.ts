// Long-lived analyzer threads for a server: the App analyzes off its event loop, so that webhook intake and
// health checks stay responsive while a big pull request is parsed. Each thread keeps one engine per set
// of options (compiling the query is the costly part of an engine).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, SourceFile } from './types.js';
import { analyzeFiles, createEngine } from './index.js';
import { balance, merge, mightHaveFindingsInFile, sizeOf } from './shares.js';

/** Work per thread below which splitting a request over more threads is not worth a message. */
const BYTES_PER_THREAD = 256 * 1024;

export interface PoolLimits {
  /** Time a share may take, thread start-up included, before its thread is stopped (default 30 s)... */
  baseTimeLimitMs?: number;
  /** ...plus this per MB of source in the share (default 10 s: about ten times what analysis costs). */
  timeLimitMsPerMB?: number;
}

/** A share of a request, waiting for or running on a thread. */
interface Job {
  files: SourceFile[];
  options: AnalyzeOptions;
  resolve: (result: AnalysisResult) => void;
}

/** One thread runs one job at a time, so that a job's time limit counts its own work only. */
interface PoolThread {
  worker: Worker;
  running: Job | null;
  waiting: Job[];
  timer?: NodeJS.Timeout;
}

export class AnalyzerPool {
  private readonly threads: (PoolThread | undefined)[] = [];
  private readonly limits: Required<PoolLimits>;

  constructor(private readonly size = Math.max(1, availableParallelism() - 1), limits: PoolLimits = {}) {
    this.limits = { baseTimeLimitMs: 30_000, timeLimitMsPerMB: 10_000, ...limits };
  }

  /** Analyze on the pool's threads, split by size; on the calling thread when there is no compiled worker
   *  (running from TypeScript sources, e.g. under vitest). */
  async analyze(files: readonly SourceFile[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    if (!import.meta.url.endsWith('.js')) return analyzeFiles(files, options, await createEngine(options));
    const candidates = files.filter((file) => mightHaveFindingsInFile(file, options));
    const bytes = candidates.reduce((sum, file) => sum + sizeOf(file), 0);
    const shares = balance(candidates, Math.min(this.size, Math.max(1, Math.ceil(bytes / BYTES_PER_THREAD))));
    const results = await Promise.all(shares.map((share, index) => new Promise<AnalysisResult>((resolve) => this.enqueue(index, { files: share, options, resolve }))));
    return merge(results, files, files.length - candidates.length);
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
    if (!job) {
      thread.worker.unref(); // idle: let the process exit
      return;
    }
    thread.worker.ref(); // keep the process alive while this thread owes an answer
    const limitMs = this.limits.baseTimeLimitMs + (this.limits.timeLimitMsPerMB * job.files.reduce((sum, file) => sum + sizeOf(file), 0)) / 2 ** 20;
    thread.timer = setTimeout(() => this.stop(thread, `analysis stopped after ${Math.round(limitMs / 1000)} s (time limit)`), limitMs);
    thread.worker.postMessage({ files: job.files, options: job.options });
  }

  private finish(thread: PoolThread, result: AnalysisResult): void {
    clearTimeout(thread.timer);
    thread.running?.resolve(result);
    this.runNext(thread);
  }

  /** A thread that died or ran out of time costs its running job a problem per file, never the review; the jobs
   *  waiting behind it move to a new thread. */
  private stop(thread: PoolThread, reason: string): void {
    clearTimeout(thread.timer);
    const index = this.threads.indexOf(thread);
    if (index < 0) return; // already replaced
    this.threads[index] = undefined;
    void thread.worker.terminate();
    const job = thread.running;
    thread.running = null;
    job?.resolve({ findings: [], problems: job.files.map((file) => ({ path: file.path, message: reason })), filesParsed: 0, filesSkipped: job.files.length });
    for (const waiting of thread.waiting.splice(0)) this.enqueue(index, waiting);
  }

  private start(index: number): PoolThread {
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url));
    worker.unref();
    const thread: PoolThread = { worker, running: null, waiting: [] };
    worker.on('message', (result: AnalysisResult) => this.finish(thread, result));
    worker.on('error', (error) => this.stop(thread, `internal error: analyzer thread failed: ${error.message}`));
    worker.on('exit', (code) => this.stop(thread, `internal error: analyzer thread exited with code ${code}`));
    this.threads[index] = thread;
    return thread;
  }
}

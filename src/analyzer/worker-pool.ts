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

interface PoolThread {
  worker: Worker;
  pending: Map<number, (result: AnalysisResult) => void>;
}

export class AnalyzerPool {
  private readonly threads: (PoolThread | undefined)[] = [];
  private nextId = 0;

  constructor(private readonly size = Math.max(1, availableParallelism() - 1)) {}

  /** Analyze on the pool's threads, split by size; on the calling thread when there is no compiled worker
   *  (running from TypeScript sources, e.g. under vitest). */
  async analyze(files: readonly SourceFile[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    if (!import.meta.url.endsWith('.js')) return analyzeFiles(files, options, await createEngine(options));
    const candidates = files.filter((file) => mightHaveFindingsInFile(file, options));
    const bytes = candidates.reduce((sum, file) => sum + sizeOf(file), 0);
    const shares = balance(candidates, Math.min(this.size, Math.max(1, Math.ceil(bytes / BYTES_PER_THREAD))));
    const results = await Promise.all(shares.map((share, index) => this.run(index, share, options)));
    return merge(results, files, files.length - candidates.length);
  }

  close(): void {
    for (const thread of this.threads.splice(0)) void thread?.worker.terminate();
  }

  private run(index: number, files: SourceFile[], options: AnalyzeOptions): Promise<AnalysisResult> {
    const thread = this.threads[index] ?? this.start(index);
    const id = this.nextId++;
    return new Promise((resolve) => {
      thread.pending.set(id, resolve);
      thread.worker.ref(); // keep the process alive while this thread owes an answer
      thread.worker.postMessage({ id, files, options });
    }).then((result) => {
      if (thread.pending.size === 0) thread.worker.unref();
      // A thread that died costs its share a problem per file, never the review.
      const failure = (result as AnalysisResult).problems.find((p) => p.path === '');
      return failure
        ? { findings: [], problems: files.map((file) => ({ path: file.path, message: failure.message })), filesParsed: 0, filesSkipped: files.length }
        : (result as AnalysisResult);
    });
  }

  private start(index: number): PoolThread {
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url));
    worker.unref();
    const thread: PoolThread = { worker, pending: new Map() };
    worker.on('message', ({ id, result }: { id: number; result: AnalysisResult }) => {
      const resolve = thread.pending.get(id);
      thread.pending.delete(id);
      resolve?.(result);
    });
    const fail = (reason: string) => {
      if (this.threads[index] === thread) this.threads[index] = undefined; // the next request starts a new thread
      const failed: AnalysisResult = { findings: [], problems: [{ path: '', message: `internal error: analyzer thread ${reason}` }], filesParsed: 0, filesSkipped: 0 };
      for (const resolve of thread.pending.values()) resolve(failed);
      thread.pending.clear();
    };
    worker.on('error', (error) => fail(`failed: ${error.message}`));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.threads[index] = thread;
    return thread;
  }
}

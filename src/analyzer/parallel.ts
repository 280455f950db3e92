// Analyze many files on every core: the main thread and worker threads take files one at a time from one
// list, largest first, through a shared counter, so every thread stays busy until the list runs out and all
// finish within about one file of each other (a fixed split left a thread idle whenever the other started
// late or met slower code). Workers start (load wasm, compile the query) while the caller is still reading
// files; files that cannot hold a finding are never shipped.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, ProjectKnowledge, SourceFile } from './types.js';
import { analyzeFiles, createEngine } from './index.js';
import { claimFiles, createClaims, merge, mightHaveFindingsInFile, sizeOf, type Claims } from './shares.js';

/** Below this many bytes of candidate source, a worker's start-up costs more than it saves. */
const PARALLEL_THRESHOLD_BYTES = 512 * 1024;

export interface ParallelAnalyzer {
  /** `project` replaces the options' project knowledge for these files (the CLI learns it while reading them). */
  analyze(files: readonly SourceFile[], project?: ProjectKnowledge): Promise<AnalysisResult>;
  /** Stop workers that were not needed. */
  close(): void;
}

export interface ParallelOptions {
  /** Threads to use, the main one included (default: one per core). */
  threads?: number;
  /** Start the workers now, so that their start-up overlaps the caller reading files (the CLI does this;
   *  otherwise workers start only when the files turn out to be worth it). */
  startWorkersNow?: boolean;
}

/** What a worker is sent: every candidate file, and the claims it shares with the other threads. */
export interface WorkerTask {
  files: SourceFile[];
  claims: Claims;
  /** This thread's number in the claims (the main thread is 0). */
  thread: number;
  project?: ProjectKnowledge;
}

export function createParallelAnalyzer(options: AnalyzeOptions = {}, parallel: ParallelOptions = {}): ParallelAnalyzer {
  const workerUrl = new URL('./worker.js', import.meta.url);
  // Worker threads need the compiled worker (running from TypeScript sources, e.g. under vitest, there is none).
  const workerCount = import.meta.url.endsWith('.js') ? Math.max(0, Math.min(parallel.threads ?? availableParallelism(), 8) - 1) : 0;
  const workers: Worker[] = [];
  const startWorkers = () => {
    while (workers.length < workerCount) workers.push(new Worker(workerUrl, { workerData: { options } }));
  };
  if (parallel.startWorkersNow) startWorkers();
  const enginePromise = createEngine(options);
  const close = () => workers.forEach((worker) => void worker.terminate());
  return {
    close,
    async analyze(files, project = options.project) {
      const callOptions: AnalyzeOptions = { ...options, project };
      const candidates = files.filter((file) => mightHaveFindingsInFile(file, callOptions));
      const skipped = files.length - candidates.length;
      const bytes = candidates.reduce((sum, file) => sum + sizeOf(file), 0);
      if (workerCount === 0 || bytes < PARALLEL_THRESHOLD_BYTES) {
        close();
        const result = await analyzeFiles(candidates, callOptions, await enginePromise);
        result.filesSkipped += skipped;
        return result;
      }
      startWorkers();
      const largestFirst = [...candidates].sort((a, b) => sizeOf(b) - sizeOf(a));
      const claims = createClaims(largestFirst.length);
      // Workers claim files while this thread is still compiling its own engine.
      const fromWorkers = workers.map((worker, index) => analyzeOnWorker(worker, { files: largestFirst, claims, thread: index + 1, project }));
      try {
        const own = await analyzeFiles(claimFiles(largestFirst, claims, 0), callOptions, await enginePromise);
        return merge([own, ...(await Promise.all(fromWorkers))], files, skipped);
      } finally {
        close();
      }
    },
  };
}

/** A worker's part; a worker that dies mid-way costs the files it had claimed a problem each, never the run. */
export function analyzeOnWorker(worker: Worker, task: WorkerTask): Promise<AnalysisResult> {
  return new Promise((resolve) => {
    const lost = (reason: string) => {
      const claimed = task.files.filter((_, index) => task.claims.owners[index] === task.thread);
      resolve({
        findings: [], filesParsed: 0, filesSkipped: claimed.length,
        problems: claimed.map((file) => ({ path: file.path, message: `internal error: analyzer worker ${reason}` })),
      });
    };
    worker.once('message', resolve);
    worker.once('error', (error) => lost(`failed: ${error.message}`));
    worker.once('exit', (code) => lost(`exited with code ${code}`));
    worker.postMessage(task);
  });
}

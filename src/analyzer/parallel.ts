// Analyze many files on every core: the main thread takes one share, worker threads the others. Workers
// start (load wasm, compile the query) while the caller is still reading files; shares are balanced by
// bytes (parsing cost grows with size); files that cannot hold a finding are never shipped.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, ProjectKnowledge, SourceFile } from './types.js';
import { analyzeFiles, createEngine } from './index.js';
import { balance, merge, mightHaveFindingsInFile, sizeOf } from './shares.js';

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
      const engine = await enginePromise;
      const candidates = files.filter((file) => mightHaveFindingsInFile(file, callOptions));
      const skipped = files.length - candidates.length;
      const bytes = candidates.reduce((sum, file) => sum + sizeOf(file), 0);
      if (workerCount === 0 || bytes < PARALLEL_THRESHOLD_BYTES) {
        close();
        const result = await analyzeFiles(candidates, callOptions, engine);
        result.filesSkipped += skipped;
        return result;
      }
      startWorkers();
      const [own, ...others] = balance(candidates, workers.length + 1);
      const fromWorkers = others.map((share, index) => runOn(workers[index], share, project));
      try {
        return merge([await analyzeFiles(own, callOptions, engine), ...(await Promise.all(fromWorkers))], files, skipped);
      } finally {
        close();
      }
    },
  };
}

/** A worker's share; a worker that dies mid-way costs its files a problem each, never the whole run. */
function runOn(worker: Worker, files: SourceFile[], project: ProjectKnowledge | undefined): Promise<AnalysisResult> {
  return new Promise((resolve) => {
    const lost = (reason: string) => resolve({
      findings: [], filesParsed: 0, filesSkipped: files.length,
      problems: files.map((file) => ({ path: file.path, message: `internal error: analyzer worker ${reason}` })),
    });
    worker.once('message', resolve);
    worker.once('error', (error) => lost(`failed: ${error.message}`));
    worker.once('exit', (code) => lost(`exited with code ${code}`));
    worker.postMessage({ files, project });
  });
}


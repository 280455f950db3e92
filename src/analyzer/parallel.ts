// Analyze many files on every core: the main thread takes one share, worker threads the others. Shares are
// balanced by bytes (parsing cost grows with size). Files that cannot hold a finding are never shipped.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, SourceFile } from './types.js';
import { analyzeFiles, createEngine } from './index.js';

/** Below this many bytes of candidate source, a worker's start-up costs more than it saves. */
const PARALLEL_THRESHOLD_BYTES = 512 * 1024;

export interface ParallelOptions {
  threads?: number;
}

export async function analyzeInParallel(files: readonly SourceFile[], options: AnalyzeOptions = {}, parallel: ParallelOptions = {}): Promise<AnalysisResult> {
  const engine = await createEngine(options);
  const candidates = files.filter((file) => typeof file.content === 'string' ? engine.mightHaveFindings(file.content) : mightHaveFindingsInBytes(file.content, engine));
  const skipped = files.length - candidates.length;
  const threads = Math.max(1, Math.min(parallel.threads ?? availableParallelism(), 8));
  const bytes = candidates.reduce((sum, file) => sum + size(file), 0);
  const workerUrl = new URL('./worker.js', import.meta.url);
  // Worker threads need the compiled worker (running from TypeScript sources, e.g. under vitest, there is none).
  if (threads === 1 || bytes < PARALLEL_THRESHOLD_BYTES || !import.meta.url.endsWith('.js')) {
    const result = await analyzeFiles(candidates, options, engine);
    result.filesSkipped += skipped;
    return result;
  }
  const shares = balance(candidates, threads);
  const [own, ...others] = shares;
  const workerResults = others.map((share) => runWorker(workerUrl, share, options));
  const results = [await analyzeFiles(own, options, engine), ...(await Promise.all(workerResults))];
  const order = new Map(files.map((file, index) => [file.path, index]));
  const merged: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: skipped };
  for (const result of results) {
    merged.findings.push(...result.findings);
    merged.problems.push(...result.problems);
    merged.filesParsed += result.filesParsed;
    merged.filesSkipped += result.filesSkipped;
  }
  const byFile = (a: { path: string }, b: { path: string }) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0);
  merged.findings.sort((a, b) => byFile(a, b) || a.line - b.line || a.column - b.column);
  merged.problems.sort(byFile);
  return merged;
}

function mightHaveFindingsInBytes(bytes: Uint8Array, engine: { mightHaveFindings(text: string): boolean }): boolean {
  // The keywords are ASCII, so a byte search answers the same as a search of the decoded text.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return engine.mightHaveFindings('') || buffer.includes('async') || buffer.includes('await');
}

function size(file: SourceFile): number {
  return typeof file.content === 'string' ? file.content.length : file.content.byteLength;
}

/** Greedy: largest files first, each to the lightest share. */
function balance(files: readonly SourceFile[], count: number): SourceFile[][] {
  const shares = Array.from({ length: count }, () => ({ files: [] as SourceFile[], bytes: 0 }));
  for (const file of [...files].sort((a, b) => size(b) - size(a))) {
    const lightest = shares.reduce((min, share) => (share.bytes < min.bytes ? share : min));
    lightest.files.push(file);
    lightest.bytes += size(file);
  }
  return shares.map((share) => share.files);
}

function runWorker(url: URL, files: SourceFile[], options: AnalyzeOptions): Promise<AnalysisResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: { files, options } });
    worker.once('message', (result: AnalysisResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`analyzer worker exited with code ${code}`));
    });
  });
}

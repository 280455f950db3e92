// A worker thread (see parallel.ts): compile the engine at once, then analyze the files it claims, sending each
// file's result as soon as it has it (a worker stopped past a file's deadline loses only that file).
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions } from './types.js';
import type { ProjectIndexData } from './project/summary.js';
import type { SummaryTask, WorkerMessage, WorkerTask } from './parallel.js';
import { analyzeOne, createEngine, resolveLimits, summarizeModules } from './index.js';
import { claimIndexed } from './shares.js';
import { UNUSABLE_EXIT_CODE } from './limits.js';

const { options } = workerData as { options: AnalyzeOptions };
const engine = createEngine(options);
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

// Before its analysis task, a worker may be asked to summarize modules for the project index.
parentPort!.on('message', async (message: WorkerTask | SummaryTask) => {
  if ('summarize' in message) {
    const summaries = summarizeModules(await engine, message.summarize, resolveLimits(options.limits));
    // As JSON text: decoding a structured clone of hundreds of summaries would hold up the main thread.
    post({ type: 'summaries', summariesJson: JSON.stringify(summaries) });
    return;
  }
  const { files, claims, thread, indexJson } = message;
  const project = indexJson === undefined ? message.project : { ...message.project, index: JSON.parse(indexJson) as ProjectIndexData };
  const ready = await engine;
  const limits = resolveLimits(options.limits);
  for (const [index, file] of claimIndexed(files, claims, thread)) {
    const result: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: 0 };
    analyzeOne(ready, file, project, limits, result);
    post({ type: 'file', index, result });
    if (ready.unusable) break;
  }
  ready.dropKeptTrees(); // parses kept for files another thread took
  post({ type: 'done' });
  if (ready.unusable) process.exit(UNUSABLE_EXIT_CODE);
});

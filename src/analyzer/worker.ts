// A worker thread (see parallel.ts): compile the engine at once, then analyze the files it claims.
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalyzeOptions } from './types.js';
import type { WorkerTask } from './parallel.js';
import { analyzeFiles, createEngine } from './index.js';
import { claimFiles } from './shares.js';

const { options } = workerData as { options: AnalyzeOptions };
const engine = createEngine(options);
parentPort!.once('message', async ({ files, claims, thread, project }: WorkerTask) => {
  parentPort!.postMessage(await analyzeFiles(claimFiles(files, claims, thread), { ...options, project }, await engine));
});

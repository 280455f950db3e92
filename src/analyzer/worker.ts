// A worker thread (see parallel.ts): compile the engine at once, then analyze the share it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalyzeOptions, ProjectKnowledge, SourceFile } from './types.js';
import { analyzeFiles, createEngine } from './index.js';

const { options } = workerData as { options: AnalyzeOptions };
const engine = createEngine(options);
parentPort!.once('message', async ({ files, project }: { files: SourceFile[]; project?: ProjectKnowledge }) => {
  parentPort!.postMessage(await analyzeFiles(files, { ...options, project }, await engine));
});

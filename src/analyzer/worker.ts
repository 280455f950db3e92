// A worker thread: analyze the files it was given and post the result back (see parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { AnalyzeOptions, SourceFile } from './types.js';
import { analyzeFiles } from './index.js';

const { files, options } = workerData as { files: SourceFile[]; options: AnalyzeOptions };
parentPort!.postMessage(await analyzeFiles(files, options));

// A thread of the AnalyzerPool: answers { id, files, options } with { id, result }, keeping engines by options.
import { parentPort } from 'node:worker_threads';
import type { AnalyzeOptions, SourceFile } from './types.js';
import type { Engine } from './engine.js';
import { analyzeFiles, createEngine } from './index.js';

const MAX_ENGINES = 8;
const engines = new Map<string, Promise<Engine>>();

function engineFor(options: AnalyzeOptions): Promise<Engine> {
  const key = JSON.stringify(options, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value));
  let engine = engines.get(key);
  if (!engine) {
    if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value!);
    engine = createEngine(options);
    engines.set(key, engine);
  }
  return engine;
}

parentPort!.on('message', async ({ id, files, options }: { id: number; files: SourceFile[]; options: AnalyzeOptions }) => {
  parentPort!.postMessage({ id, result: await analyzeFiles(files, options, await engineFor(options)) });
});

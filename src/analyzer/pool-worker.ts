// A thread of the AnalyzerPool: answers each { files, options } with its AnalysisResult, one at a time, keeping
// engines by rule options (which rules, at which severity).
import { parentPort } from 'node:worker_threads';
import type { AnalyzeOptions, SourceFile } from './types.js';
import type { Engine } from './engine.js';
import { analyzeFiles, createEngine } from './index.js';

const MAX_ENGINES = 8;
const engines = new Map<string, Promise<Engine>>();

function engineFor(options: AnalyzeOptions): Promise<Engine> {
  const { project: _project, ...ruleOptions } = options; // project knowledge is per call, not per engine
  const key = JSON.stringify(ruleOptions);
  let engine = engines.get(key);
  if (!engine) {
    if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value!);
    engine = createEngine(options);
    engines.set(key, engine);
  }
  return engine;
}

parentPort!.on('message', async ({ files, options }: { files: SourceFile[]; options: AnalyzeOptions }) => {
  parentPort!.postMessage(await analyzeFiles(files, options, await engineFor(options)));
});

// A thread of the AnalyzerPool: analyzes each job's files one at a time, keeping engines by rule options (which
// rules, at which severity). It says when it starts each file and sends each file's result as soon as it has
// it, so that the pool can time every file on its own and, if it must stop this thread, lose only that file.
import { parentPort } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, SourceFile } from './types.js';
import type { Engine } from './engine.js';
import { analyzeOne, createEngine, resolveLimits, summarizeModules } from './index.js';
import type { ModuleToSummarize } from './project/build-index.js';
import type { ModuleSummary } from './project/summary.js';
import { UNUSABLE_EXIT_CODE } from './limits.js';


/** What a pool thread sends: `start` before each file, `file` with its result, `done` after the job. */
export type PoolMessage = { type: 'start'; index: number } | { type: 'file'; index: number; result: AnalysisResult } | { type: 'done' }
  | { type: 'summaries'; summaries: (ModuleSummary | null)[] };

const MAX_ENGINES = 8;
const engines = new Map<string, Promise<Engine>>();

function engineFor(options: AnalyzeOptions): Promise<Engine> {
  const { project: _project, limits: _limits, ...ruleOptions } = options; // per call, not per engine
  const key = JSON.stringify(ruleOptions);
  let engine = engines.get(key);
  if (!engine) {
    if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value!);
    engine = createEngine(options);
    engines.set(key, engine);
  }
  return engine;
}

const post = (message: PoolMessage) => parentPort!.postMessage(message);

parentPort!.on('message', async ({ files, options, summarize }: { files: SourceFile[]; options: AnalyzeOptions; summarize?: ModuleToSummarize[] }) => {
  const engine = await engineFor(options);
  const limits = resolveLimits(options.limits);
  if (summarize) {
    // Modules for the project index, one at a time, so that the pool times each.
    const summaries = summarize.map((module, index) => {
      post({ type: 'start', index });
      return summarizeModules(engine, [module], limits)[0] ?? null;
    });
    post({ type: 'summaries', summaries });
    if (engine.unusable) process.exit(UNUSABLE_EXIT_CODE);
    return;
  }
  for (const [index, file] of files.entries()) {
    post({ type: 'start', index });
    const result: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: 0 };
    analyzeOne(engine, file, options.project, limits, result);
    post({ type: 'file', index, result });
    if (engine.unusable) process.exit(UNUSABLE_EXIT_CODE);
  }
  post({ type: 'done' });
});

// Analyze many files on every core: the main thread and worker threads take files one at a time from one
// list, largest first, through a shared counter, so every thread stays busy until the list runs out and all
// finish within about one file of each other (a fixed split left a thread idle whenever the other started
// late or met slower code). Workers start (load wasm, compile the query) while the caller is still reading
// files; files that cannot hold a finding are never shipped.
//
// Every file has a deadline (limits.ts), which each thread enforces itself where it can. The main thread also
// watches the workers (between its own files, and while it waits for them): a worker still on one file a grace
// period past that file's deadline is stopped, the file becomes a problem, and a new worker takes its place. A
// worker that dies (out of heap, a crash) costs only the file it was on.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions, FileLimits, ProjectKnowledge, SourceFile } from './types.js';
import type { Engine } from './engine.js';
import { analyzeFiles, analyzeOne, createEngine, summarizeModules } from './index.js';
import type { ModuleToSummarize } from './project/build-index.js';
import type { ModuleSummary } from './project/summary.js';
import { claimIndexed, createClaims, hasUnclaimed, MAX_THREAD_SLOTS, merge, mightHaveFindingsInFile, sizeOf, type Claims } from './shares.js';
import { fileTimeLimitMs, hardTimeLimitMs, resolveLimits, timeLimitMessage, UNUSABLE_EXIT_CODE } from './limits.js';

/** Below this many bytes of candidate source, a worker's start-up costs more than it saves. */
const PARALLEL_THRESHOLD_BYTES = 512 * 1024;
/** Below this many modules per thread, summarizing on other threads is not worth a message. */
const MIN_MODULES_PER_SHARE = 16;
/** How often the main thread lets the watchdog and the workers' messages in while it analyzes. */
const YIELD_EVERY_MS = 25;
/** How much checked source (in characters) each thread may keep parsed between summarizing a file and
 *  analyzing it. A kept tree costs 20 to 50 bytes of memory per character of source, and wasm memory once grown
 *  stays: on the corpus benchmark (14M characters) 500K a thread saved ~5% of the CPU time for ~20 MB more peak
 *  memory, and 1M a thread saved no more CPU for ~50 MB. */
const KEPT_PARSE_CHARS_PER_THREAD = 500_000;

export interface ParallelAnalyzer {
  /** `project` replaces the options' project knowledge for these files (the CLI learns it while reading them). */
  analyze(files: readonly SourceFile[], project?: ProjectKnowledge): Promise<AnalysisResult>;
  /** Summarize modules for the project index (see project/build-index.ts). */
  summarize(modules: readonly ModuleToSummarize[]): Promise<(ModuleSummary | null)[]>;
  /** Stop workers that were not needed. */
  close(): void;
}

export interface ParallelOptions {
  /** Threads to use, the main one included (default: one per core). */
  threads?: number;
  /** Start the workers now, so that their start-up overlaps the caller reading files (the CLI does this;
   *  otherwise workers start only when the files turn out to be worth it). */
  startWorkersNow?: boolean;
  /** The compiled worker to run (tests run a stand-in); default ./worker.js beside this module. */
  workerUrl?: URL;
}

/** What a worker is sent: every candidate file, and the claims it shares with the other threads. */
export interface WorkerTask {
  files: SourceFile[];
  claims: Claims;
  /** This thread's number in the claims (the main thread is 0). */
  thread: number;
  /** The project knowledge without its index, which travels as `indexJson`. */
  project?: ProjectKnowledge;
  /** The project index as JSON text: a thread copies a string at once, where decoding a structured clone of
   *  a thousand summaries cost the worker about a quarter of a second (the index is plain data). */
  indexJson?: string;
}

/** Modules to summarize for the project index (before the analysis task). */
export interface SummaryTask {
  summarize: ModuleToSummarize[];
}

/** What a worker sends: each file's result as soon as it has it, then `done`; or the summaries asked for. */
export type WorkerMessage = { type: 'file'; index: number; result: AnalysisResult } | { type: 'done' } | { type: 'summaries'; summariesJson: string };

export function createParallelAnalyzer(options: AnalyzeOptions = {}, parallel: ParallelOptions = {}): ParallelAnalyzer {
  const workerUrl = parallel.workerUrl ?? new URL('./worker.js', import.meta.url);
  // Worker threads need the compiled worker (running from TypeScript sources, e.g. under vitest, there is none).
  const compiled = parallel.workerUrl !== undefined || import.meta.url.endsWith('.js');
  const workerCount = compiled ? Math.max(0, Math.min(parallel.threads ?? availableParallelism(), 8) - 1) : 0;
  const limits = resolveLimits(options.limits);
  // No resourceLimits here, unlike the App's long-lived threads: a worker given them starts much slower (the
  // CLI's wall time on the corpus grew by half), and a run of the CLI is short. The memory ceiling is the
  // budget's, checked in the thread; a worker that still runs out of heap costs only the file it was on.
  const { context: _context, ...threadOptions } = options; // the caller turns a context into project.index
  const spawn = () => new Worker(workerUrl, { workerData: { options: threadOptions } });
  const idle: Worker[] = [];
  const startWorkers = () => {
    while (idle.length < workerCount) idle.push(spawn());
  };
  if (parallel.startWorkersNow) startWorkers();
  const enginePromise = createEngine(options);
  const close = () => idle.splice(0).forEach((worker) => void worker.terminate());
  /** The thread (0: this one, n: idle[n - 1]) that keeps the parse of a checked file it summarized, by path:
   *  that thread analyzes the file first, without parsing it again. */
  const keptOn = new Map<string, number>();
  const dropKept = async () => {
    keptOn.clear();
    (await enginePromise.catch(() => null))?.dropKeptTrees(); // an engine that failed to start kept nothing
  };
  return {
    close,
    // Split over the idle workers and this thread (a module's summary costs about what analyzing it does).
    async summarize(modules) {
      const shares = workerCount > 0 && modules.length >= MIN_MODULES_PER_SHARE * 2 ? Math.min(idle.length + 1, Math.ceil(modules.length / MIN_MODULES_PER_SHARE)) : 1;
      // Shares of about equal size in bytes (a module's summary costs about its size), so no thread waits long.
      const parts = splitBySize(modules, shares).map((part, thread) => keepParses(part, thread, keptOn));
      const [own, ...others] = parts;
      const fromWorkers = others.map((part, i) => summarizeOn(idle[i]!, part.map(({ module }) => module)));
      const here = summarizeModules(await enginePromise, own!.map(({ module }) => module), limits);
      const summaries: (ModuleSummary | null)[] = new Array(modules.length).fill(null);
      for (const [part, found] of [[own!, here], ...(await Promise.all(fromWorkers)).map((found, i) => [others[i]!, found] as const)] as const) {
        for (const [i, { index }] of part.entries()) summaries[index] = found[i] ?? null;
      }
      return summaries;
    },
    async analyze(files, project = options.project) {
      const callOptions: AnalyzeOptions = { ...options, project };
      const candidates = files.filter((file) => mightHaveFindingsInFile(file, callOptions));
      const skipped = files.length - candidates.length;
      const bytes = candidates.reduce((sum, file) => sum + sizeOf(file), 0);
      if (workerCount === 0 || bytes < PARALLEL_THRESHOLD_BYTES) {
        close();
        try {
          const result = await analyzeFiles(candidates, callOptions, await enginePromise);
          result.filesSkipped += skipped;
          return result;
        } finally {
          await dropKept();
        }
      }
      startWorkers();
      // Each thread's kept files first (its own part of the list), then the others; each part largest first.
      const parts: SourceFile[][] = [];
      const shared: SourceFile[] = [];
      for (const file of candidates) {
        const thread = keptOn.get(file.path);
        if (thread === undefined || thread > idle.length) shared.push(file);
        else (parts[thread] ??= []).push(file);
      }
      const largestFirst = (list: SourceFile[] = []) => list.sort((a, b) => sizeOf(b) - sizeOf(a));
      const own = Array.from({ length: idle.length + 1 }, (_, thread) => largestFirst(parts[thread]));
      const run = new SupervisedRun([...own.flat(), ...largestFirst(shared)], project, limits, spawn, own.map((part) => part.length));
      try {
        // Workers claim files while this thread is still compiling its own engine.
        for (const worker of idle.splice(0)) run.watch(worker);
        return merge(await run.finish(await enginePromise, callOptions), files, skipped);
      } finally {
        run.stopAll();
        await dropKept();
      }
    },
  };
}

/** Marks the checked files of one thread's share whose parse that thread keeps for their analysis (up to its
 *  allowance), and remembers which thread keeps them. */
function keepParses(share: { module: ModuleToSummarize; index: number }[], thread: number, keptOn: Map<string, number>): { module: ModuleToSummarize; index: number }[] {
  // The share's last modules (its smallest): summarized last, their trees lie above the memory the others used
  // and freed, so keeping them grows the thread's memory by little more than their own size.
  let chars = 0;
  const kept = new Set<number>();
  for (let at = share.length - 1; at >= 0; at--) {
    const { module } = share[at]!;
    if (module.checkedPath === undefined || keptOn.has(module.checkedPath) || chars + module.text.length > KEPT_PARSE_CHARS_PER_THREAD) continue;
    chars += module.text.length;
    keptOn.set(module.checkedPath, thread);
    kept.add(at);
  }
  return share.map((entry, at) => (kept.has(at) ? { module: { ...entry.module, keepTree: true }, index: entry.index } : entry));
}

/** Modules in `count` shares of about equal bytes (largest first, each to the lightest share), with their
 *  indices in `modules`. */
function splitBySize(modules: readonly ModuleToSummarize[], count: number): { module: ModuleToSummarize; index: number }[][] {
  const shares = Array.from({ length: count }, () => ({ modules: [] as { module: ModuleToSummarize; index: number }[], bytes: 0 }));
  const bySize = modules.map((module, index) => ({ module, index })).sort((a, b) => b.module.text.length - a.module.text.length);
  for (const entry of bySize) {
    const lightest = shares.reduce((min, share) => (share.bytes < min.bytes ? share : min));
    lightest.modules.push(entry);
    lightest.bytes += entry.module.text.length;
  }
  return shares.map((share) => share.modules);
}

/** Summaries from an idle worker; a worker that fails leaves its modules unknown (null). */
function summarizeOn(worker: Worker, modules: ModuleToSummarize[]): Promise<(ModuleSummary | null)[]> {
  return new Promise((resolve) => {
    const unknown = () => resolve(modules.map(() => null));
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== 'summaries') return;
      worker.off('message', onMessage);
      worker.off('error', unknown);
      resolve(JSON.parse(message.summariesJson) as (ModuleSummary | null)[]);
    };
    worker.on('message', onMessage);
    worker.once('error', unknown);
    worker.postMessage({ summarize: modules } satisfies SummaryTask);
  });
}

/** One parallel run: the workers' results as they arrive, the watchdog, and the main thread's share. */
class SupervisedRun {
  private readonly claims: Claims;
  private readonly results: AnalysisResult[] = [];
  /** Per file: has a result (or a problem) been collected? */
  private readonly settled: Uint8Array;
  private readonly live = new Map<number, { worker: Worker; ended: Promise<void> }>();
  private nextSlot = 1;
  /** What every worker is sent of the project: its knowledge, and its index as JSON (encoded once). */
  private readonly shared: Pick<WorkerTask, 'project' | 'indexJson'>;

  constructor(
    private readonly files: SourceFile[],
    project: ProjectKnowledge | undefined,
    private readonly limits: Required<FileLimits>,
    private readonly spawn: () => Worker,
    /** How many files at the head of `files` each thread claims first (see Claims). */
    ownCounts: readonly number[] = [],
  ) {
    this.claims = createClaims(files.length, ownCounts);
    this.settled = new Uint8Array(files.length);
    const { index, ...knowledge } = project ?? {};
    this.shared = index ? { project: knowledge, indexJson: JSON.stringify(index) } : { project };
  }

  /** Hand `worker` the run; it claims files until none is left. */
  watch(worker: Worker): void {
    if (this.nextSlot >= MAX_THREAD_SLOTS) {
      void worker.terminate();
      return;
    }
    const slot = this.nextSlot++;
    let resolveEnded!: () => void;
    const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
    this.live.set(slot, { worker, ended });
    /** The worker is done with the run: `blame` the file it was on, if any; `replace` it if files are left. */
    const end = (blame: string | null, replace: boolean) => {
      if (!this.live.has(slot)) return; // already ended (the watchdog stopped it, or it said it was done)
      this.live.delete(slot);
      const index = Atomics.load(this.claims.current, slot);
      if (blame !== null && index >= 0) this.settle(index, { path: this.files[index]!.path, message: blame });
      void worker.terminate();
      if (replace) this.replace();
      resolveEnded();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'done') return end(null, false);
      if (message.type !== 'file') return;
      if (this.settled[message.index]) return;
      this.settled[message.index] = 1;
      this.results.push(message.result);
    });
    worker.once('error', (error) => end((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? 'not analyzed: the analyzer thread ran out of memory'
      : `internal error: analyzer worker failed: ${error.message}`, true));
    worker.once('exit', (code) => end(code === UNUSABLE_EXIT_CODE ? null : `internal error: analyzer worker exited with code ${code}`, true));
    worker.once('stuck', (message: string) => end(message, true));
    worker.postMessage({ files: this.files, claims: this.claims, thread: slot, ...this.shared } satisfies WorkerTask);
  }

  /** Stop every worker past its file's hard deadline: the file becomes a problem; a new worker takes over. */
  private watchdog = (): void => {
    const now = Date.now();
    for (const [slot, { worker }] of this.live) {
      const index = Atomics.load(this.claims.current, slot);
      if (index < 0) continue;
      const bytes = sizeOf(this.files[index]!);
      if (now - this.claims.startedAt[slot]! <= hardTimeLimitMs(this.limits, bytes)) continue;
      worker.emit('stuck', timeLimitMessage(fileTimeLimitMs(this.limits, bytes)));
    }
  };

  /** A new worker for the files still unclaimed, if any. */
  private replace(): void {
    if (hasUnclaimed(this.claims, this.files.length)) this.watch(this.spawn());
  }

  private settle(index: number, problem: { path: string; message: string }): void {
    if (this.settled[index]) return;
    this.settled[index] = 1;
    this.results.push({ findings: [], problems: [problem], filesParsed: 0, filesSkipped: 1 });
  }

  /** Analyze this thread's share, then wait for the workers; files a stopped worker had claimed without a word
   *  about them (its last messages may be lost when it is stopped) are analyzed here at the end. */
  async finish(engine: Engine, options: AnalyzeOptions): Promise<AnalysisResult[]> {
    const interval = setInterval(this.watchdog, 100);
    try {
      let lastYield = performance.now();
      for (const [index, file] of claimIndexed(this.files, this.claims, 0)) {
        this.analyzeHere(engine, index, file, options);
        if (engine.unusable) break; // the workers take the rest
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      while (this.live.size > 0) await Promise.race([...this.live.values()].map(({ ended }) => ended));
    } finally {
      clearInterval(interval);
    }
    for (let index = 0; index < this.files.length; index++) {
      if (!this.settled[index]) this.analyzeHere(engine, index, this.files[index]!, options);
    }
    return this.results;
  }

  private analyzeHere(engine: Engine, index: number, file: SourceFile, options: AnalyzeOptions): void {
    if (this.settled[index]) return;
    this.settled[index] = 1;
    const result: AnalysisResult = { findings: [], problems: [], filesParsed: 0, filesSkipped: 0 };
    if (engine.unusable) result.problems.push({ path: file.path, message: `not analyzed: ${engine.unusable}` });
    else analyzeOne(engine, file, options.project, this.limits, result);
    this.results.push(result);
  }

  stopAll(): void {
    for (const { worker } of this.live.values()) void worker.terminate();
    this.live.clear();
  }
}

// Every file gets a deadline and a memory ceiling. Inside the thread that analyzes it, a Budget is checked where
// the work can be cut short: tree-sitter's parse and query progress callbacks (so a pathological parse is
// cancelled inside wasm) and between the engine's steps. A file over its budget becomes a problem and the run
// goes on. A thread stuck somewhere the budget is not checked is stopped from outside (worker-pool.ts,
// parallel.ts) a grace period after the same deadline.
import { getHeapStatistics } from 'node:v8';

export interface FileLimits {
  /** Time one file may take (default 5 s)... */
  timeLimitMs?: number;
  /** ...plus this per MB of its source (default 2 s: the analyzer normally needs ~0.4 s per MB, and a loaded
   *  machine several times that). */
  timeLimitMsPerMB?: number;
  /** Memory one file may add to its thread: tree-sitter's wasm heap and the JS heap (default 1024 MB). */
  memoryLimitMB?: number;
}

export const DEFAULT_LIMITS: Required<FileLimits> = { timeLimitMs: 5_000, timeLimitMsPerMB: 2_000, memoryLimitMB: 1_024 };

export function resolveLimits(limits: FileLimits | undefined): Required<FileLimits> {
  return { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(limits ?? {}).filter(([, value]) => value !== undefined)) };
}

/** The time a file of `bytes` may take. */
export function fileTimeLimitMs(limits: Required<FileLimits>, bytes: number): number {
  return limits.timeLimitMs + (limits.timeLimitMsPerMB * bytes) / 2 ** 20;
}

/** A thread stuck past its file's deadline (somewhere the budget is not checked) is stopped after this much more. */
export function hardTimeLimitMs(limits: Required<FileLimits>, bytes: number): number {
  const soft = fileTimeLimitMs(limits, bytes);
  return soft + Math.max(1_000, soft / 2);
}

export function timeLimitMessage(ms: number): string {
  return `not analyzed: took longer than ${formatSeconds(ms)} s (time limit)`;
}

export function memoryLimitMessage(mb: number): string {
  return `not analyzed: needed more than ${mb} MB (memory limit)`;
}

/** Exit code of a worker thread whose tree-sitter trapped inside wasm after it reported the file that did it. */
export const UNUSABLE_EXIT_CODE = 70;

export const STACK_OVERFLOW_MESSAGE = 'not analyzed: nested too deeply for the analyzer (stack overflow)';

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds >= 10 ? String(Math.round(seconds)) : String(Number(seconds.toFixed(2)));
}

/** The time one rule may spend on a file of `chars` characters before it is stopped there: 50 ms + 2 ms per KB,
 *  over twice the most any rule needed on one file of the benchmark corpus (cold, on a loaded 2-core machine),
 *  and well below the file's deadline; or, when more, 3× what parsing and matching the file took
 *  (`preparedMs`). Wall-clock time on a busy machine stretches the rules and the parse alike: scaling by
 *  the parse keeps a loaded machine from stopping a rule that is merely slowed, while a super-linear walk still
 *  outgrows the linear parse and is stopped. */
export function ruleTimeShareMs(chars: number, preparedMs = 0): number {
  return Math.max(50 + (2 * chars) / 1024, 3 * preparedMs);
}

/** Thrown where a file runs out of time or memory; the caller turns it into a problem for that file. */
export class LimitExceeded extends Error {}

/** The wasm heap tree-sitter allocates from (set by parser.ts), to tell how much a parse adds. */
let wasmMemory: WebAssembly.Memory | undefined;

export function watchWasmMemory(memory: WebAssembly.Memory): void {
  wasmMemory = memory;
}

const MB = 2 ** 20;

/** One file's allowance of time and memory, checked cooperatively. */
export class Budget {
  private deadline: number;
  private readonly wasmCeiling: number;
  private readonly heapCeiling: number;
  private calls = 0;
  /** Why the budget ran out, once it has. */
  exceeded: string | null = null;

  constructor(
    readonly timeLimitMs: number,
    readonly memoryLimitMB: number,
  ) {
    this.deadline = performance.now() + timeLimitMs;
    // The wasm heap never shrinks: a file may grow it to the ceiling or by the ceiling, whichever is larger.
    const wasmNow = wasmMemory?.buffer.byteLength ?? 0;
    this.wasmCeiling = Math.max(wasmNow, memoryLimitMB * MB);
    this.heapCeiling = getHeapStatistics().used_heap_size + memoryLimitMB * MB;
  }

  static forFile(limits: Required<FileLimits>, bytes: number): Budget {
    return new Budget(fileTimeLimitMs(limits, bytes), limits.memoryLimitMB);
  }

  /** A budget that never runs out (callers that set no limits). */
  static unlimited(): Budget {
    return new Budget(Infinity, Infinity);
  }

  /** For tree-sitter's progress callbacks (called every ~100 operations): true cancels. Reads the clock on
   *  every 16th call and memory on every 256th, so that normal files pay next to nothing. */
  readonly cancel = (): boolean => {
    if (this.exceeded) return true;
    const calls = ++this.calls;
    if ((calls & 15) !== 0) return false;
    if ((calls & 255) === 0 && this.overMemory()) return true;
    return this.overTime();
  };

  /** Counts `ms` spent on the file before this budget began (its parse, kept from its summary) against it. */
  charge(ms: number): void {
    this.deadline -= ms;
  }

  /** check(), reading the clock on every 16th call only: for loops over many small steps. */
  tick(): void {
    if (this.exceeded || (++this.calls & 15) === 0) this.check();
  }

  /** Throws LimitExceeded when the file is over its budget. */
  check(): void {
    if (this.exceeded || this.overTime() || ((++this.calls & 63) === 0 && this.overMemory())) throw new LimitExceeded(this.exceeded!);
  }

  /** Throws LimitExceeded when a callback cancelled the work. */
  throwIfExceeded(): void {
    if (this.exceeded) throw new LimitExceeded(this.exceeded);
  }

  private overTime(): boolean {
    if (performance.now() <= this.deadline) return false;
    this.exceeded = timeLimitMessage(this.timeLimitMs);
    return true;
  }

  private overMemory(): boolean {
    if ((wasmMemory?.buffer.byteLength ?? 0) <= this.wasmCeiling && getHeapStatistics().used_heap_size <= this.heapCeiling) return false;
    this.exceeded = memoryLimitMessage(this.memoryLimitMB);
    return true;
  }
}

/** A JS stack overflow (deep recursion somewhere in the analysis of one file). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack size/i.test(error.message);
}

/** A trap inside tree-sitter's wasm (its own stack overflowing into memory it should not touch, an abort): the
 *  wasm instance may be left inconsistent, so the thread must not parse with it again. */
export function isWasmTrap(error: unknown): boolean {
  return error instanceof WebAssembly.RuntimeError || (error instanceof Error && /^Aborted\(/.test(error.message));
}

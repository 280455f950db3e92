// Splitting files between threads and joining the results, for parallel.ts and worker-pool.ts.
import type { AnalysisResult, AnalyzeOptions, SourceFile } from './types.js';
import { mightHaveFindings } from './engine.js';

export function mightHaveFindingsInFile(file: SourceFile, options: AnalyzeOptions): boolean {
  return mightHaveFindings(file.content, options.project, file.path);
}

export function sizeOf(file: SourceFile): number {
  return typeof file.content === 'string' ? file.content.length : file.content.byteLength;
}

/** Greedy: largest files first, each to the lightest share. */
export function balance(files: readonly SourceFile[], count: number): SourceFile[][] {
  const shares = Array.from({ length: count }, () => ({ files: [] as SourceFile[], bytes: 0 }));
  for (const file of [...files].sort((a, b) => sizeOf(b) - sizeOf(a))) {
    const lightest = shares.reduce((min, share) => (share.bytes < min.bytes ? share : min));
    lightest.files.push(file);
    lightest.bytes += sizeOf(file);
  }
  return shares.map((share) => share.files);
}

/** Files handed out one at a time to several threads: `next` is the index of the next unclaimed file of the
 *  shared part, `owners` the thread that claimed each file, and per thread the file it is analyzing (`current`,
 *  -1 for none) since when (`startedAt`, ms since the epoch), so that a thread stuck on one file can be told
 *  which and stopped. A thread may also have its own part of the list (`ownNext` up to `ownEnd`: the files whose
 *  parse it kept from summarizing them), which it claims first; the others take from it only when nothing else
 *  is left. Shared memory: the same counters in every thread. */
export interface Claims {
  next: Int32Array;
  owners: Int32Array;
  current: Int32Array;
  startedAt: Float64Array;
  ownNext: Int32Array;
  ownEnd: Int32Array;
}

/** Thread numbers a run can use, replacements of stopped workers included. */
export const MAX_THREAD_SLOTS = 64;

/** `ownCounts[thread]`: how many files at the head of the list are that thread's own, thread 0's first (the
 *  shared part follows them). */
export function createClaims(fileCount: number, ownCounts: readonly number[] = []): Claims {
  const ownNext = new Int32Array(new SharedArrayBuffer(4 * MAX_THREAD_SLOTS));
  const ownEnd = new Int32Array(new SharedArrayBuffer(4 * MAX_THREAD_SLOTS));
  let start = 0;
  for (const [thread, count] of ownCounts.slice(0, MAX_THREAD_SLOTS).entries()) {
    ownNext[thread] = start;
    ownEnd[thread] = start += count;
  }
  const next = new Int32Array(new SharedArrayBuffer(4));
  next[0] = start;
  return {
    next,
    owners: new Int32Array(new SharedArrayBuffer(4 * Math.max(1, fileCount))).fill(-1),
    current: new Int32Array(new SharedArrayBuffer(4 * MAX_THREAD_SLOTS)).fill(-1),
    startedAt: new Float64Array(new SharedArrayBuffer(8 * MAX_THREAD_SLOTS)),
    ownNext,
    ownEnd,
  };
}

/** The next file for `thread` (its own part first, then the shared part, then what the others have not taken
 *  of theirs); -1 when every file is taken. */
function claimNext(claims: Claims, thread: number, fileCount: number): number {
  const own = thread < MAX_THREAD_SLOTS ? claimOwn(claims, thread) : -1;
  if (own >= 0) return own;
  if (Atomics.load(claims.next, 0) < fileCount) {
    const shared = Atomics.add(claims.next, 0, 1);
    if (shared < fileCount) return shared;
  }
  for (let other = 0; other < MAX_THREAD_SLOTS; other++) {
    const taken = claimOwn(claims, other);
    if (taken >= 0) return taken;
  }
  return -1;
}

function claimOwn(claims: Claims, thread: number): number {
  const end = claims.ownEnd[thread]!;
  if (Atomics.load(claims.ownNext, thread) >= end) return -1;
  const index = Atomics.add(claims.ownNext, thread, 1);
  return index < end ? index : -1;
}

/** Are files left that no thread has claimed? */
export function hasUnclaimed(claims: Claims, fileCount: number): boolean {
  if (Atomics.load(claims.next, 0) < fileCount) return true;
  for (let thread = 0; thread < MAX_THREAD_SLOTS; thread++) if (Atomics.load(claims.ownNext, thread) < claims.ownEnd[thread]!) return true;
  return false;
}

/** The files `thread` claims, with their indices, until every file is taken by some thread. */
export function* claimIndexed(files: readonly SourceFile[], claims: Claims, thread: number): Generator<[number, SourceFile]> {
  try {
    for (let index = claimNext(claims, thread, files.length); index >= 0; index = claimNext(claims, thread, files.length)) {
      Atomics.store(claims.owners, index, thread);
      claims.startedAt[thread] = Date.now();
      Atomics.store(claims.current, thread, index);
      yield [index, files[index]!];
      Atomics.store(claims.current, thread, -1);
    }
  } finally {
    Atomics.store(claims.current, thread, -1);
  }
}

/** The files `thread` claims, in list order, until every file is taken by some thread. */
export function* claimFiles(files: readonly SourceFile[], claims: Claims, thread: number): Generator<SourceFile> {
  for (const [, file] of claimIndexed(files, claims, thread)) yield file;
}

/** One result, in the callers' file order. */
export function merge(results: AnalysisResult[], files: readonly SourceFile[], skipped: number): AnalysisResult {
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

// How the CLI's threads share files (src/analyzer/parallel.ts): every file is claimed by exactly one thread,
// and a worker that dies costs only the file it was on, reported as a problem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createParallelAnalyzer } from '../../src/analyzer/parallel.js';
import { claimFiles, createClaims } from '../../src/analyzer/shares.js';
import type { SourceFile } from '../../src/analyzer/types.js';

const files: SourceFile[] = Array.from({ length: 7 }, (_, i) => ({ path: `m${i}.py`, content: `x = ${i}\n` }));

describe('claims', () => {
  it('hand every file to exactly one of the threads taking turns, and record which', () => {
    const claims = createClaims(files.length);
    const first = claimFiles(files, claims, 0);
    const second = claimFiles(files, claims, 1);
    const taken: Record<number, string[]> = { 0: [], 1: [] };
    // Uneven turns, as threads of different speeds would take them.
    for (const [thread, claimer] of [[0, first], [1, second], [1, second], [0, first], [1, second]] as const) {
      taken[thread].push(claimer.next().value!.path);
    }
    taken[0].push(...[...first].map((file) => file.path));
    expect(second.next().done).toBe(true);
    expect(taken[0]).toEqual(['m0.py', 'm3.py', 'm5.py', 'm6.py']);
    expect(taken[1]).toEqual(['m1.py', 'm2.py', 'm4.py']);
    expect([...claims.owners]).toEqual([0, 1, 1, 0, 1, 0, 0]);
  });

  it('give each thread its own files first (those whose parse it kept), then the shared ones, then what another left of its own', () => {
    // m0, m1: thread 0's own; m2: thread 1's own; m3..m6 shared.
    const claims = createClaims(files.length, [2, 1]);
    const first = claimFiles(files, claims, 0);
    const second = claimFiles(files, claims, 1);
    expect(second.next().value!.path).toBe('m2.py');
    expect(second.next().value!.path).toBe('m3.py');
    expect(first.next().value!.path).toBe('m0.py');
    // Thread 1 is fast: it takes every shared file, then the one thread 0 has not started of its own.
    expect([...second].map((file) => file.path)).toEqual(['m4.py', 'm5.py', 'm6.py', 'm1.py']);
    expect(first.next().done).toBe(true);
    expect([...claims.owners]).toEqual([0, 1, 1, 1, 1, 1, 1]);
  });

  it('let a replacement thread (no part of its own) take the shared files, then the others\'', () => {
    const claims = createClaims(files.length, [1, 1]);
    const replacement = claimFiles(files, claims, 5);
    expect([...replacement].map((file) => file.path)).toEqual(['m2.py', 'm3.py', 'm4.py', 'm5.py', 'm6.py', 'm0.py', 'm1.py']);
  });
});

describe('a worker that dies', () => {
  it('costs only the file it was on a problem; the files it had finished or claimed are not lost', async () => {
    // A stand-in worker that claims two files as the real one does (shared counter, owner and current file
    // recorded), reports the first, then exits while on the second. A new worker replaces it.
    const dir = mkdtempSync(join(tmpdir(), 'dying-worker-'));
    const url = pathToFileURL(join(dir, 'dying.mjs'));
    writeFileSync(url, `
      import { parentPort } from 'node:worker_threads';
      parentPort.once('message', ({ claims, thread }) => {
        if (thread !== 1) return parentPort.postMessage({ type: 'done' }); // the replacement leaves the rest to the main thread
        for (let n = 0; n < 2; n++) {
          const index = Atomics.add(claims.next, 0, 1);
          Atomics.store(claims.owners, index, thread);
          Atomics.store(claims.current, thread, index);
          if (n === 0) parentPort.postMessage({ type: 'file', index, result: { findings: [], problems: [{ path: 'm6.py', message: 'seen by the worker' }], filesParsed: 1, filesSkipped: 0 } });
        }
        setTimeout(() => process.exit(3), 50);
      });`);
    const big = files.map((file, i) => ({ path: file.path, content: `import asyncio\nasync def f():\n    pass\n${'#'.repeat(i + 1)}\n${'x = 1\n'.repeat(15_000)}` }));
    const analyzer = createParallelAnalyzer({}, { threads: 2, workerUrl: url });
    try {
      const result = await analyzer.analyze(big);
      // The worker reported its first file and died on its second: which files those are depends on how fast the
      // main thread claims beside it (largest first, so m6 and m5 on a quiet machine). Either way the one it died
      // on is a problem, the one it reported is kept, and the main thread analyzed all the others.
      expect(result.problems).toHaveLength(2);
      const died = result.problems.find((problem) => problem.message === 'internal error: analyzer worker exited with code 3');
      expect(died?.path).toMatch(/^m[0-5]\.py$/);
      expect(result.problems).toContainEqual({ path: 'm6.py', message: 'seen by the worker' });
      expect(result.filesParsed).toBe(6);
    } finally {
      analyzer.close();
      rmSync(dir, { recursive: true });
    }
  });
});

// How the CLI's threads share files (src/analyzer/parallel.ts): every file is claimed by exactly one thread,
// and a worker that dies loses only the files it had claimed, each reported as a problem.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { analyzeOnWorker } from '../../src/analyzer/parallel.js';
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
});

describe('a worker that dies', () => {
  it('costs the files it had claimed a problem each, and leaves the rest to the other threads', async () => {
    const claims = createClaims(files.length);
    // Claims two files as the real worker does (shared counter, owner recorded), then exits mid-analysis.
    const dying = new Worker(`
      const { parentPort } = require('node:worker_threads');
      parentPort.once('message', ({ claims, thread }) => {
        for (let n = 0; n < 2; n++) Atomics.store(claims.owners, Atomics.add(claims.next, 0, 1), thread);
        process.exit(3);
      });`, { eval: true });
    const result = await analyzeOnWorker(dying, { files, claims, thread: 1 });
    expect(result.findings).toEqual([]);
    expect(result.problems).toEqual([
      { path: 'm0.py', message: 'internal error: analyzer worker exited with code 3' },
      { path: 'm1.py', message: 'internal error: analyzer worker exited with code 3' },
    ]);
    expect([...claimFiles(files, claims, 0)].map((file) => file.path)).toEqual(['m2.py', 'm3.py', 'm4.py', 'm5.py', 'm6.py']);
  });
});

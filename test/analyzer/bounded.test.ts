// Bounded analysis: every file has a deadline, a thread stuck past it is replaced, a file that crashes the
// analysis is a problem, and a file the analyzer could not fully analyze always says so (never a silent exit 0).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/analyzer/index.js';
import { createParallelAnalyzer } from '../../src/analyzer/parallel.js';
import { Budget, LimitExceeded } from '../../src/analyzer/limits.js';
import type { AnalyzerPool } from '../../src/analyzer/worker-pool.js';
// @ts-expect-error -- compiled output (`npm test` builds first), typed by the source module above
import { AnalyzerPool as CompiledPool } from '../../dist/src/analyzer/worker-pool.js';

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
/** ~1.5 MB of ordinary async code: far more than 0.1 s of work anywhere. */
const BIG = `${BLOCKING}${'async def handler(request):\n    return await request.json()\n\n'.repeat(25_000)}`;
const TINY = { timeLimitMs: 100, timeLimitMsPerMB: 0 };

const scratch = mkdtempSync(join(tmpdir(), 'bounded-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in thread script, written to a file: real threads never get stuck on demand. */
function standIn(name: string, source: string): URL {
  const path = join(scratch, name);
  writeFileSync(path, source);
  return pathToFileURL(path);
}

const OK_RESULT = (path: string) => `{ findings: [], problems: [{ path: ${path}, message: 'analyzed by the stand-in' }], filesParsed: 1, filesSkipped: 0 }`;

describe('deadline per file', () => {
  it('turns a file over its deadline into a problem, promptly, and still analyzes the other files of the run', async () => {
    const started = performance.now();
    const result = await analyzeFiles([{ path: 'big.py', content: BIG }, { path: 'small.py', content: BLOCKING }], { limits: TINY });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.problems).toEqual([{ path: 'big.py', message: 'not analyzed: took longer than 0.1 s (time limit)' }]);
    expect(result.findings.map((f) => [f.path, f.rule])).toEqual([['small.py', 'blocking-sleep']]);
  });

  it('does the same on the App’s analyzer threads', async () => {
    const pool: AnalyzerPool = new (CompiledPool as typeof AnalyzerPool)(1, TINY);
    try {
      const result = await pool.analyze([{ path: 'big.py', content: BIG }, { path: 'small.py', content: BLOCKING }]);
      expect(result.problems).toEqual([{ path: 'big.py', message: 'not analyzed: took longer than 0.1 s (time limit)' }]);
      expect(result.findings.map((f) => [f.path, f.rule])).toEqual([['small.py', 'blocking-sleep']]);
    } finally {
      pool.close();
    }
  });
});

describe('memory ceiling per file', () => {
  it('is checked with the deadline: a file whose analysis grows the heap past it stops with a problem', () => {
    const budget = new Budget(60_000, 16);
    const kept: number[][] = [];
    const grow = () => {
      for (let i = 0; i < 10_000; i++) {
        kept.push(new Array(1_000).fill(i)); // ~8 MB per 1 000 arrays: past 16 MB within a few hundred checks
        budget.check();
      }
    };
    expect(grow).toThrow(new LimitExceeded('not analyzed: needed more than 16 MB (memory limit)'));
    expect(kept.length).toBeLessThan(10_000);
  });
});

describe('a thread stuck past a file’s deadline', () => {
  it('is stopped and replaced in the App’s pool: that file is a problem, the files after it and later requests go on', async () => {
    // Spins forever on hang.py (as a parse that never asks its budget would), answers the others at once.
    const url = standIn('stuck-pool-worker.mjs', `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', ({ files }) => {
        files.forEach((file, index) => {
          parentPort.postMessage({ type: 'start', index });
          if (file.path === 'hang.py') for (;;) {}
          parentPort.postMessage({ type: 'file', index, result: ${OK_RESULT('file.path')} });
        });
        parentPort.postMessage({ type: 'done' });
      });`);
    const pool: AnalyzerPool = new (CompiledPool as typeof AnalyzerPool)(1, { ...TINY, startUpMs: 5_000 }, url);
    try {
      const started = performance.now();
      const files = ['a.py', 'hang.py', 'b.py'].map((path) => ({ path, content: BLOCKING }));
      const result = await pool.analyze(files);
      // The hard limit: the deadline plus a grace period of at least 1 s.
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(result.problems).toEqual([
        { path: 'a.py', message: 'analyzed by the stand-in' },
        { path: 'hang.py', message: 'not analyzed: took longer than 0.1 s (time limit)' },
        { path: 'b.py', message: 'analyzed by the stand-in' },
      ]);
      const again = await pool.analyze([{ path: 'c.py', content: BLOCKING }]);
      expect(again.problems).toEqual([{ path: 'c.py', message: 'analyzed by the stand-in' }]);
    } finally {
      pool.close();
    }
  });

  it('is stopped and replaced by the CLI: the main thread and the new worker analyze the rest', async () => {
    // Claims files as the real worker does; the first worker spins on the first file it claims, the
    // replacement reports every file it claims.
    const url = standIn('stuck-cli-worker.mjs', `
      import { parentPort } from 'node:worker_threads';
      parentPort.once('message', ({ files, claims, thread }) => {
        for (let index = Atomics.add(claims.next, 0, 1); index < files.length; index = Atomics.add(claims.next, 0, 1)) {
          Atomics.store(claims.owners, index, thread);
          claims.startedAt[thread] = Date.now();
          Atomics.store(claims.current, thread, index);
          if (thread === 1) for (;;) {}
          parentPort.postMessage({ type: 'file', index, result: ${OK_RESULT('files[index].path')} });
          Atomics.store(claims.current, thread, -1);
        }
        parentPort.postMessage({ type: 'done' });
      });`);
    // Six files of ~110 KB (over the size that makes the CLI start workers), largest first.
    const files = Array.from({ length: 6 }, (_, i) => ({ path: `m${i}.py`, content: `${BLOCKING}${'#'.repeat(6 - i)}\n${'x = 1\n'.repeat(18_000)}` }));
    const analyzer = createParallelAnalyzer({ limits: { timeLimitMs: 2_000, timeLimitMsPerMB: 0 } }, { threads: 2, workerUrl: url, startWorkersNow: true });
    try {
      const started = performance.now();
      const result = await analyzer.analyze(files);
      // The hard limit: 2 s plus a grace period of 1 s, then the rest of the work.
      expect(performance.now() - started).toBeLessThan(15_000);
      const stuck = result.problems.filter((p) => p.message.includes('time limit'));
      expect(stuck).toHaveLength(1);
      expect(stuck[0]!.message).toBe('not analyzed: took longer than 2 s (time limit)');
      // Every other file was analyzed, by the main thread (a finding) or by the replacement (its problem).
      const done = new Set([...result.findings.map((f) => f.path), ...result.problems.filter((p) => p !== stuck[0]).map((p) => p.path)]);
      expect([...done].sort()).toEqual(files.map((f) => f.path).filter((path) => path !== stuck[0]!.path));
    } finally {
      analyzer.close();
    }
  });
});

describe('a file that crashes the analysis', () => {
  it('is a problem in the App’s pool when its thread dies, and the files after it are analyzed on a new thread', async () => {
    const url = standIn('crashing-pool-worker.mjs', `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', ({ files }) => {
        files.forEach((file, index) => {
          parentPort.postMessage({ type: 'start', index });
          if (file.path === 'crash.py') process.exit(134);
          parentPort.postMessage({ type: 'file', index, result: ${OK_RESULT('file.path')} });
        });
        parentPort.postMessage({ type: 'done' });
      });`);
    const pool: AnalyzerPool = new (CompiledPool as typeof AnalyzerPool)(1, TINY, url);
    try {
      const result = await pool.analyze(['a.py', 'crash.py', 'b.py'].map((path) => ({ path, content: BLOCKING })));
      expect(result.problems).toEqual([
        { path: 'a.py', message: 'analyzed by the stand-in' },
        { path: 'crash.py', message: 'internal error: analyzer thread exited with code 134' },
        { path: 'b.py', message: 'analyzed by the stand-in' },
      ]);
    } finally {
      pool.close();
    }
  });

  it('is a problem in the App’s pool when its thread runs out of memory under its ceiling', async () => {
    const url = standIn('hungry-pool-worker.mjs', `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', ({ files }) => {
        files.forEach((file, index) => {
          parentPort.postMessage({ type: 'start', index });
          if (file.path === 'hungry.py') for (const kept = []; ; ) kept.push(new Array(1e5).fill(index));
          parentPort.postMessage({ type: 'file', index, result: ${OK_RESULT('file.path')} });
        });
        parentPort.postMessage({ type: 'done' });
      });`);
    // A 64 MB ceiling per file: the thread's JS heap may grow to 256 MB (twice the ceiling, at least 256 MB).
    const pool: AnalyzerPool = new (CompiledPool as typeof AnalyzerPool)(1, { memoryLimitMB: 64, timeLimitMs: 20_000 }, url);
    try {
      const result = await pool.analyze(['hungry.py', 'b.py'].map((path) => ({ path, content: BLOCKING })));
      expect(result.problems).toEqual([
        { path: 'hungry.py', message: 'not analyzed: the analyzer thread ran out of memory (over 256 MB)' },
        { path: 'b.py', message: 'analyzed by the stand-in' },
      ]);
    } finally {
      pool.close();
    }
  });

  it('keeps its findings elsewhere when a rule overflows the stack on deep nesting', async () => {
    const deep = `${BLOCKING}\nx = ${'not ('.repeat(20_000)}y${')'.repeat(20_000)}\n`;
    const result = await analyzeFiles([{ path: 'deep.py', content: deep }]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 6]]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/^line 8 not analyzed: nested more than 128 levels deep/);
  });
});

describe('no silent loss', () => {
  /** A list literal holding `count` lines of `async def` at growing indentation, CRLF; the first coroutine in it
   *  blocks. Python rejects the file; tree-sitter's recovery once dropped it silently at 511 lines. */
  const asyncList = (count: number) => `import time\r\nx = [\r\nasync def first():\r\n time.sleep(1)\r\n${Array.from({ length: count }, (_, i) => `${' '.repeat(i + 1)}async def f${i}():\r\n`).join('')}]\r\n`;

  it.each([510, 511, 512])('says which lines of a %i-line list of async defs were not analyzed', async (count) => {
    const result = await analyzeFiles([{ path: 'list.py', content: asyncList(count) }]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/^syntax errors: lines \d+–\d+ not analyzed/);
  });

  it('survives deep try nesting, names the lines it skipped, and keeps the findings outside them', async () => {
    const depth = 300;
    const opens = Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}try:\n`).join('');
    const closes = Array.from({ length: depth }, (_, i) => `${' '.repeat(depth - i)}except asyncio.CancelledError:\n${' '.repeat(depth - i + 1)}pass\n`).join('');
    const result = await analyzeFiles([{ path: 'try.py', content: `${BLOCKING}\nasync def nested():\n${opens}${' '.repeat(depth + 1)}await asyncio.sleep(0)\n${closes}` }]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 6]]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/^lines \d+–\d+(, \d+)* not analyzed: nested more than 128 levels deep$/);
  });

  it('survives deep balanced brackets and keeps the findings outside them', async () => {
    const result = await analyzeFiles([{ path: 'brackets.py', content: `${BLOCKING}x = ${'[('.repeat(20_000)}y${')]'.repeat(20_000)}\n` }]);
    expect(result.findings.map((f) => [f.rule, f.line])).toEqual([['blocking-sleep', 6]]);
    expect(result.problems).toEqual([{ path: 'brackets.py', message: 'line 7 not analyzed: nested more than 128 levels deep' }]);
  });

  it('keeps the findings of the rest of the file after a stray character, and names the lines it skipped', async () => {
    // A backquote at the end of the last line makes tree-sitter wrap the whole module in one ERROR node.
    const handlers = Array.from({ length: 20 }, (_, i) => `async def handler${i}(request):\n    data = await request.json()\n    time.sleep(1)\n    return data\n\n`).join('');
    const lines = `import asyncio\nimport time\n\n${handlers}`.split('\n');
    lines[101] += '`';
    const source = lines.join('\n');
    const result = await analyzeFiles([{ path: 'stray.py', content: source }]);
    expect(result.findings).toHaveLength(19);
    expect(result.findings.map((f) => f.line)).not.toContain(101);
    expect(result.problems).toEqual([{ path: 'stray.py', message: 'syntax errors: lines 99–102 not analyzed (the rest was analyzed)' }]);
  });

  it('reads NUL bytes as spaces, says so, and keeps the findings', async () => {
    const result = await analyzeFiles([{ path: 'nul.py', content: `${BLOCKING}x = 1\0\0\n` }]);
    expect(result.findings.map((f) => f.line)).toEqual([6]);
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringContaining('NUL bytes (which Python refuses) were read as spaces')]);
  });
});

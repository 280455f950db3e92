// The App's analyzer threads (the compiled pool: `npm test` builds first). They must find exactly what the
// calling thread would, and leave the calling thread's event loop free while they work.
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/analyzer/index.js';
import type { SourceFile } from '../../src/analyzer/types.js';
// @ts-expect-error -- compiled output, typed by the source module below
import { AnalyzerPool as CompiledPool } from '../../dist/src/analyzer/worker-pool.js';
import type { AnalyzerPool } from '../../src/analyzer/worker-pool.js';

const pool: AnalyzerPool = new (CompiledPool as typeof AnalyzerPool)(2);
afterAll(() => pool.close());

const BLOCKING = 'import asyncio\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n';
const FILLER = 'async def handler(request):\n    return await request.json()\n\n'.repeat(4000);

describe('AnalyzerPool', () => {
  it('finds what the calling thread finds, in file order, across several threads', async () => {
    const files: SourceFile[] = Array.from({ length: 12 }, (_, i) => ({ path: `m${i}.py`, content: `${BLOCKING}${i % 3 ? FILLER : ''}` }));
    files.push({ path: 'plain.py', content: 'x = 1\n' });
    const [pooled, local] = await Promise.all([pool.analyze(files, { ignore: ['ASYNC1'] }), analyzeFiles(files, { ignore: ['ASYNC1'] })]);
    expect(pooled.findings).toEqual(local.findings);
    expect(pooled.findings.map((f) => f.path)).toEqual(files.slice(0, 12).map((f) => f.path));
    expect(pooled.filesSkipped).toBe(1);
  });

  it('gives every file its own deadline: files over it are problems, the others in the same share are analyzed', async () => {
    const limited: AnalyzerPool = new (CompiledPool as typeof AnalyzerPool)(1, { timeLimitMs: 150, timeLimitMsPerMB: 0 });
    try {
      // ~2 MB each: far more than 0.15 s of work; the small file shares their thread and request.
      const huge = Array.from({ length: 3 }, (_, i) => ({ path: `huge${i}.py`, content: `${BLOCKING}${FILLER.repeat(10)}` }));
      const result = await limited.analyze([...huge, { path: 'small.py', content: BLOCKING }]);
      expect(result.problems).toEqual(huge.map((f) => ({ path: f.path, message: 'not analyzed: took longer than 0.15 s (time limit)' })));
      expect(result.findings.map((f) => [f.path, f.rule])).toEqual([['small.py', 'blocking-sleep']]);
    } finally {
      limited.close();
    }
  });

  it('summarizes the modules a ProjectContext reaches on its threads, and finds what the calling thread finds', async () => {
    const modules: Record<string, string> = {
      'pkg/__init__.py': 'from .db import fetch\n',
      'pkg/db.py': 'import asyncio\n\n\nasync def fetch():\n    await asyncio.sleep(0)\n',
      'pkg/slow.py': 'import time\n\n\ndef pause():\n    time.sleep(1)\n',
    };
    const context = {
      source: {
        listPaths: async () => new Set([...Object.keys(modules), 'pkg/api.py']),
        read: async (paths: readonly string[]) => new Map(paths.filter((p) => p in modules).map((p) => [p, modules[p]!])),
      },
    };
    const api = { path: 'pkg/api.py', content: 'from pkg import fetch\nfrom pkg.slow import pause\n\n\nasync def handler():\n    fetch()\n    pause()\n' };
    const on = { 'blocking-via-helper': 'warning' } as const;
    const [pooled, local] = await Promise.all([pool.analyze([api], { context, ruleSettings: on }), analyzeFiles([api], { context, ruleSettings: on })]);
    expect(pooled.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['6 missing-await', '7 blocking-via-helper']);
    expect(pooled.findings).toEqual(local.findings);
  });

  it('keeps the event loop free while it parses', async () => {
    const files = Array.from({ length: 8 }, (_, i) => ({ path: `big${i}.py`, content: `${BLOCKING}${FILLER}` }));
    const events: string[] = [];
    const ticking = setInterval(() => events.push('tick'), 1);
    await pool.analyze(files).then(() => events.push('analyzed'));
    clearInterval(ticking);
    expect(events.indexOf('tick')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('tick')).toBeLessThan(events.indexOf('analyzed'));
  });
});

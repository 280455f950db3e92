// A checked file that is also summarized for the project index is parsed once: its summary keeps the tree for
// its analysis on the same thread (Engine.summarize with keepTree), which finds exactly what a fresh parse finds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Parser } from 'web-tree-sitter';
import { analyzeFiles, createEngine } from '../../src/analyzer/index.js';
import { createParallelAnalyzer as createCompiledAnalyzer } from '../../dist/src/analyzer/parallel.js';
import { Budget, LimitExceeded } from '../../src/analyzer/limits.js';

const MODULE = `import asyncio
import time

async def fetch():
    await asyncio.sleep(1)

async def handler():
    fetch()
    time.sleep(2)
`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a parse kept from a summary', () => {
  it('serves the analysis of the same text: one parse for both, the same findings as a fresh parse', async () => {
    const fresh = (await createEngine()).analyze('pkg/mod.py', MODULE);
    expect(fresh.findings.map((finding) => finding.rule)).toEqual(expect.arrayContaining(['missing-await', 'blocking-sleep']));
    const engine = await createEngine();
    const parse = vi.spyOn(Parser.prototype, 'parse');
    const summary = engine.summarize(MODULE, 'pkg.mod', false, Budget.unlimited(), true);
    expect(summary.functions.fetch?.kind).toBe('coroutine');
    expect(parse).toHaveBeenCalledTimes(1);
    const analyzed = engine.analyze('pkg/mod.py', MODULE);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(analyzed.findings).toEqual(fresh.findings);
    // Taken by that analysis: the next one parses again.
    engine.analyze('pkg/mod.py', MODULE);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('is not kept unless asked, serves only the same text, and is freed by dropKeptTrees', async () => {
    const engine = await createEngine();
    const parse = vi.spyOn(Parser.prototype, 'parse');
    engine.summarize(MODULE, 'pkg.mod', false);
    engine.analyze('pkg/mod.py', MODULE);
    expect(parse).toHaveBeenCalledTimes(2);
    engine.summarize(MODULE, 'pkg.mod', false, Budget.unlimited(), true);
    engine.analyze('pkg/other.py', `${MODULE}\n`);
    expect(parse).toHaveBeenCalledTimes(4);
    engine.dropKeptTrees();
    engine.analyze('pkg/mod.py', MODULE);
    expect(parse).toHaveBeenCalledTimes(5);
  });

  it('counts against the file\'s deadline: the time it took is charged to the analysis\'s budget', () => {
    const budget = new Budget(1_000, Infinity);
    budget.check();
    budget.charge(2_000);
    expect(() => budget.check()).toThrow(LimitExceeded);
  });

  it('in the CLI\'s threads: each analyzes the files it kept first, and the run finds what one thread finds', async () => {
    // 40 modules of ~15 KB: enough to summarize on both threads and to analyze in parallel (over 512 KB).
    const files = Array.from({ length: 40 }, (_, i) => ({
      path: `pkg/m${i}.py`,
      content: `${MODULE.replace('fetch', `fetch_${i}`).replaceAll('fetch()', `fetch_${i}()`)}${'value = 1\n'.repeat(1_500)}`,
    }));
    const analyzer = createCompiledAnalyzer({}, { threads: 2, startWorkersNow: true });
    try {
      const summaries = await analyzer.summarize(files.map((file, i) => ({ text: file.content, moduleName: `pkg.m${i}`, isPackage: false, checkedPath: file.path })));
      expect(summaries.every((summary, i) => summary?.functions[`fetch_${i}`]?.kind === 'coroutine')).toBe(true);
      const parallel = await analyzer.analyze(files);
      const alone = await analyzeFiles(files);
      expect(parallel.problems).toEqual([]);
      expect(parallel.filesParsed).toBe(files.length);
      expect(parallel.findings).toEqual(alone.findings);
      expect(parallel.findings.filter((finding) => finding.rule === 'missing-await')).toHaveLength(files.length);
    } finally {
      analyzer.close();
    }
  });
});

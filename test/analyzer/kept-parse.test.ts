// A checked file that is also summarized for the project index is parsed once: its summary keeps the tree for
// its analysis on the same thread (Engine.summarize with keepTree), which finds exactly what a fresh parse finds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Parser } from 'web-tree-sitter';
import { createEngine } from '../../src/analyzer/index.js';
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
});

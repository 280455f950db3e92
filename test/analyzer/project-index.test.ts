// Cross-module analysis through a ProjectContext: a realistic package (src layout, re-exports through
// __init__.py, a star import, look-alikes) read through a ModuleSource, summarized, cached by content.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/analyzer/index.js';
import { AnalyzerPool } from '../../src/analyzer/worker-pool.js';
import { buildProjectIndex, type ModuleToSummarize } from '../../src/analyzer/project/build-index.js';
import type { ModuleSource, ProjectContext, SummaryCache } from '../../src/analyzer/project/module-source.js';
import { createEngine, summarizeModules, resolveLimits } from '../../src/analyzer/index.js';

const ROOT = join(import.meta.dirname, '../fixtures/projects/billing');

function listFiles(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix)).flatMap((name) => {
    const path = prefix ? `${prefix}/${name}` : name;
    return statSync(join(folder, path)).isDirectory() ? listFiles(folder, path) : [path];
  });
}

/** The fixture as the App would see a head tree: paths relative to the root, reads counted. */
function fixtureSource(contentIds = false): ModuleSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    listPaths: async () => new Set(listFiles(ROOT)),
    contentId: contentIds ? (path) => `blob-${path}` : undefined,
    async read(paths) {
      reads.push(...paths);
      return new Map(paths.map((path) => [path, readFileSync(join(ROOT, path), 'utf8')]));
    },
  };
}

const file = (path: string) => ({ path, content: readFileSync(join(ROOT, path), 'utf8') });

describe('analyzeFiles with a ProjectContext', () => {
  it('finds the pitfalls whose coroutines, context managers, generators and helpers live in other modules', async () => {
    const source = fixtureSource();
    const result = await analyzeFiles([file('src/billing/api.py')], { context: { source }, ruleSettings: { 'blocking-via-helper': 'warning' } });
    expect(result.findings.map((f) => `${f.line} ${f.rule}`)).toEqual([
      '14 missing-await', // fetch_invoice, re-exported by billing/__init__.py from billing/db.py
      '20 missing-await', // client.charge(), a method of the annotated parameter's class
      '21 missing-await', // client.refresh(), inherited from BaseClient
      '23 sync-with-async-context-manager', // client.session, a property returning an async-only Session
      '36 sync-with-async-context-manager', // open_ledger(), an @asynccontextmanager re-exported by the package
      '41 sync-for-over-async-iterator', // invoice_events(), star-imported into the package
      '49 blocking-via-helper', // sync_totals → backoff → time.sleep, two modules away
      '54 nested-event-loop', // run_sync → asyncio.run (run_anywhere checks for a running loop: silent)
      '58 missing-await', // through `from . import client as client_module`
      '62 coroutine-in-thread', // fetch_invoice handed to asyncio.to_thread
      '69 missing-await', // fetch_invoice(name) as a dict.get default
      '73 missing-await', // client.account.billing.charge(): two properties of classes in another module
      '81 missing-await', // make_client().charge(): a factory of another module annotated to return the class
      '82 missing-await', // default_client.charge(): a module-level instance of another module
      '88 missing-await', // self.transport.send(): an attribute a base class in another module sets
      '92 await-sync-function', // await log_charge(): a plain def of another module that returns None
    ]);
    const byLine = new Map(result.findings.map((f) => [f.line, f.message]));
    expect(byLine.get(14)).toContain('`fetch_invoice` is a coroutine function, src/billing/db.py:5');
    expect(byLine.get(49)).toContain('sync_totals() → backoff() → time.sleep() (src/billing/retry.py:6)');
    expect(byLine.get(49)).toContain('`await asyncio.to_thread(sync_totals, ...)`');
    expect(byLine.get(54)).toContain('run_sync() → asyncio.run() (src/billing/runner.py:6)');
    expect(byLine.get(62)).toContain('`fetch_invoice` is a coroutine function, src/billing/db.py:5');
    // Only the modules the checked file reaches are read (not legacy/, not scripts/).
    expect(source.reads.some((path) => path.startsWith('legacy/') || path.startsWith('scripts/'))).toBe(false);
    expect(source.reads).toContain('src/billing/retry.py'); // two imports away
  });

  it('stays silent on look-alikes: a sync function of the same name elsewhere, a local def shadowing an import', async () => {
    const result = await analyzeFiles([file('scripts/report.py')], { context: { source: fixtureSource() } });
    expect(result.findings).toEqual([]);
  });

  it('without context, the same file is analyzed alone and the cross-module findings are unknown', async () => {
    const result = await analyzeFiles([file('src/billing/api.py')]);
    expect(result.findings.map((f) => f.rule)).toEqual([]);
  });

  it('with source_roots that miss src/, absolute imports of billing stay unresolved and silent (relative ones resolve)', async () => {
    const result = await analyzeFiles([file('src/billing/api.py')], { context: { source: fixtureSource(), sourceRoots: [''] } });
    expect(result.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['58 missing-await']);
  });

  it('the App pool builds the same index on its threads', async () => {
    const pool = new AnalyzerPool(1);
    try {
      const result = await pool.analyze([file('src/billing/api.py')], { context: { source: fixtureSource() }, ruleSettings: { 'blocking-via-helper': 'warning' } });
      expect(result.findings.map((f) => f.line)).toEqual([14, 20, 21, 23, 36, 41, 49, 54, 58, 62, 69, 73, 81, 82, 88, 92]);
    } finally {
      pool.close();
    }
  });
});

describe('summaries are cached by content', () => {
  it('summarizes each module once, then answers from the cache without reading it when its content id is known', async () => {
    const stored = new Map<string, unknown>();
    const cache: SummaryCache = { get: async (key) => stored.get(key), set: async (key, value) => void stored.set(key, value) };
    const engine = await createEngine();
    let summarized = 0;
    const summarize = async (modules: readonly ModuleToSummarize[]) => {
      summarized += modules.length;
      return summarizeModules(engine, modules, resolveLimits());
    };
    const checked = [{ path: 'src/billing/api.py', sourcePath: 'src/billing/api.py', text: file('src/billing/api.py').content }];
    const first: ProjectContext = { source: fixtureSource(true), cache };
    const built = await buildProjectIndex(checked, first, summarize);
    expect(built.stats.summarized).toBeGreaterThan(5);
    expect(summarized).toBe(built.stats.summarized);
    // Summaries are plain JSON data.
    expect(JSON.parse(JSON.stringify(built.data))).toEqual(built.data);
    const second = fixtureSource(true);
    const again = await buildProjectIndex(checked, { source: second, cache }, summarize);
    expect(summarized).toBe(built.stats.summarized); // nothing summarized again
    expect(again.stats.cached).toBe(built.stats.summarized);
    expect(second.reads).toEqual([]); // content ids answered from the cache without reading
    expect(again.data).toEqual(built.data);
  });
});

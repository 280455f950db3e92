// Pitfalls that cost only in production code (a pool per call, a client per request, a task nobody keeps) are
// quiet in test code, where the one-off executor or background task is the thing under test; the project's
// `production_only.report_in_tests` reports them there too.
import { describe, expect, it } from 'vitest';
import executorPerCall from '../../rules/executor-per-call.js';
import danglingTask from '../../rules/dangling-task.js';
import swallowedCancellation from '../../rules/swallowed-cancellation.js';
import { allRules } from '../../rules/index.js';
import { renderRuleDoc } from '../../src/render/rule-doc.js';
import { toAnalyzeOptions } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/parse.js';
import type { ProjectKnowledge } from '../../src/analyzer/types.js';
import { findingsIn } from '../helpers/analyze.js';

const lines = async (source: string, path: string, project: ProjectKnowledge = {}) =>
  (await findingsIn(source, { rules: [executorPerCall, danglingTask], path, project })).map((f) => `${f.line} ${f.rule}`);

const SOURCE = `import asyncio
import concurrent.futures


async def work():
    await asyncio.sleep(0)


async def test_start_parallel_kernels():
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # line 10
        pool.submit(print).result()
    asyncio.create_task(work())  # line 12


async def handle(request):
    with concurrent.futures.ThreadPoolExecutor() as pool:  # line 16
        await asyncio.get_running_loop().run_in_executor(pool, print)
    asyncio.create_task(work())  # line 18
`;

describe('rules whose pitfall costs only in production', () => {
  it('are quiet in test modules and test functions, and reported in the rest', async () => {
    expect(await lines(SOURCE, 'tests/test_kernels.py')).toEqual([]);
    // In an application module, the test-named function is still test code; the handler is not.
    expect(await lines(SOURCE, 'app/kernels.py')).toEqual(['16 executor-per-call', '18 dangling-task']);
  });

  it('are reported in test code where the project asks for it', async () => {
    const config = parseConfig('production_only:\n  report_in_tests: true\n');
    if (!config.ok) throw new Error('config must parse');
    const project = toAnalyzeOptions(config.config).project ?? {};
    expect(project.reportProductionOnlyInTests).toBe(true);
    expect(await lines(SOURCE, 'tests/test_kernels.py', project)).toEqual([
      '10 executor-per-call', '12 dangling-task', '16 executor-per-call', '18 dangling-task',
    ]);
  });

  it('say so on their docs page; rules about correctness are not among them', () => {
    const productionOnly = allRules.filter((rule) => rule.costsOnlyInProduction).map((rule) => rule.name).sort();
    expect(productionOnly).toEqual(['client-session-per-request', 'dangling-task', 'executor-per-call', 'unbounded-gather']);
    expect(renderRuleDoc(executorPerCall)).toContain('`production_only.report_in_tests`');
    expect(renderRuleDoc(swallowedCancellation)).not.toContain('production_only');
  });
});

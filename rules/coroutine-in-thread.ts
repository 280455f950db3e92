import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { lastPart } from '../src/analyzer/model/semantic-model.js';
import { argumentAt, callSnippet } from './support/calls.js';

/** What runs a function in another thread, and where the function is: its positional index, or a keyword. */
const THREAD_RUNNERS: ReadonlyMap<string, number | string> = new Map<string, number | string>([
  ['asyncio.to_thread', 0],
  ['asyncio.AbstractEventLoop.run_in_executor', 1],
  ['concurrent.futures.ThreadPoolExecutor.submit', 0],
  ['concurrent.futures.ProcessPoolExecutor.submit', 0],
  ['concurrent.futures.Executor.submit', 0],
  ['concurrent.futures.ThreadPoolExecutor.map', 0],
  ['trio.to_thread.run_sync', 0],
  ['anyio.to_thread.run_sync', 0],
  ['threading.Thread', 'target'],
]);

const PARTIALS: ReadonlySet<string> = new Set(['functools.partial']);

export default defineRule({
  name: 'coroutine-in-thread',
  aliases: [],
  severity: 'error',
  what: 'Reports a coroutine function (of this module, another module of the project, or a library) handed to `asyncio.to_thread`, `loop.run_in_executor`, an executor\'s `submit` / `map`, `trio.to_thread.run_sync`, `anyio.to_thread.run_sync` or `threading.Thread(target=...)`, directly or through `functools.partial`.',
  why: 'The worker thread calls the function, which only creates a coroutine: its body never runs, nothing awaits it, and Python merely warns "coroutine was never awaited". The executor reports success with a coroutine object as the result.',
  bad: `import asyncio


async def refresh_cache():
    await asyncio.sleep(1)


async def main():
    await asyncio.to_thread(refresh_cache)
`,
  good: `import asyncio


async def refresh_cache():
    await asyncio.sleep(1)


async def main():
    await refresh_cache()
`,
  query: CALL_QUERY,
  mentions: /to_thread|run_in_executor|submit|\.map|Thread/,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const where = callee ? THREAD_RUNNERS.get(callee) : undefined;
    if (where === undefined) return;
    let handed = argumentAt(call, where);
    // `functools.partial(fetch, url)` calls `fetch(url)` in the thread.
    if (handed?.type === 'call' && PARTIALS.has(model.callee(handed) ?? '')) handed = argumentAt(handed, 0);
    if (!handed || !model.namesCoroutineFunction(handed)) return;
    const name = model.qualifiedName(handed)!;
    const elsewhere = model.definedElsewhere(name);
    const defined = elsewhere ? ` (\`${lastPart(name)}\` is a coroutine function, ${elsewhere})` : '';
    const remedy = model.mayAwait(call) ? `await \`${snippet(handed, 40)}(...)\` itself` : 'run the coroutine on a loop (`asyncio.run_coroutine_threadsafe` from another thread)';
    report(call, `\`${callSnippet(call)}\` hands the coroutine function \`${snippet(handed, 40)}\` to a thread${defined}: the thread only creates a coroutine that never runs; ${remedy}`);
  },
});

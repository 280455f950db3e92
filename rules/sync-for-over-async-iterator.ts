import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { insertAsyncBefore } from './support/async-keyword.js';

/** Comprehensions that stay what they are with `async for` inside a coroutine (a generator expression would
 *  become an async generator, changing what its consumer gets). */
const FIXABLE_COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension']);

export default defineRule({
  name: 'sync-for-over-async-iterator',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports a plain `for` (statement or comprehension) in a coroutine over an async generator call or an object that is only asynchronously iterable (`__aiter__` without `__iter__`).',
  why: 'A plain `for` calls `__iter__`, which async iterables lack: it raises TypeError ("object is not iterable") and, for an async generator, the generator never runs.',
  bad: `import asyncio


async def ticks(n):
    for i in range(n):
        await asyncio.sleep(1)
        yield i


async def main():
    for tick in ticks(3):
        print(tick)
`,
  good: `import asyncio


async def ticks(n):
    for i in range(n):
        await asyncio.sleep(1)
        yield i


async def main():
    async for tick in ticks(3):
        print(tick)
`,
  fix: 'Writes `async for` (statements and list/set/dict comprehensions; not generator expressions).',
  query: `
(for_statement right: (_) @iterable) @loop
(for_in_clause right: (_) @iterable) @loop
`,
  check({ loop, iterable }, { model, report }) {
    if (loop.firstChild?.type === 'async' || !model.isInCoroutine(loop) || !model.isAsyncOnlyIterable(iterable)) return;
    const fixable = (loop.type === 'for_statement' || FIXABLE_COMPREHENSIONS.has(loop.parent?.type ?? '')) && model.mayAwait(loop);
    report(loop, `\`for\` over \`${snippet(iterable, 40)}\` in ${model.describeContext(loop)}: it is only asynchronously iterable, so a plain \`for\` raises TypeError; write \`async for\``, {
      endNode: iterable,
      lineFix: fixable ? insertAsyncBefore(loop, model) : undefined,
    });
  },
});

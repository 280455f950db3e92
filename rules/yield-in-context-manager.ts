import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName } from '../src/analyzer/model/semantic-model.js';
import { TRANSPARENT_DECORATORS } from '../src/analyzer/model/known-apis.js';
import { contextManagersOf, isAsyncWith } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

/** Locks, semaphores and conditions: while the generator is suspended inside one, the consumer's code runs
 *  holding it. (Other context managers, such as exception mappers, tracing spans, request contexts and
 *  streams, are entered across a `yield` on purpose often enough that flake8-async's wider ASYNC119 is
 *  mostly noise on real code; task groups and cancel scopes are cancel-scope-yield's.) */
const LOCK_TYPES: ReadonlySet<string> = new Set([
  ...['Lock', 'Semaphore', 'BoundedSemaphore', 'Condition', 'locks.Lock', 'locks.Semaphore', 'locks.BoundedSemaphore', 'locks.Condition'].map((name) => `asyncio.${name}`),
  'anyio.Lock', 'anyio.Semaphore', 'anyio.CapacityLimiter', 'anyio.Condition',
  'trio.Lock', 'trio.StrictFIFOLock', 'trio.Semaphore', 'trio.CapacityLimiter', 'trio.Condition',
  ...['Lock', 'RLock', 'Semaphore', 'BoundedSemaphore', 'Condition'].map((name) => `threading.${name}`),
]);

export default defineRule({
  name: 'yield-in-context-manager',
  aliases: ['ASYNC119'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports `yield` inside a `with` / `async with` block that holds a lock, semaphore or condition (asyncio, anyio, trio or threading) in an async generator. `@asynccontextmanager` functions, pytest fixtures and other decorated generators are left alone; task groups and cancel scopes are `cancel-scope-yield`\'s, and other context managers are not reported (flake8-async\'s ASYNC119 reports them all).',
  why: 'While the generator is suspended at `yield`, the consumer\'s code runs holding the lock: it blocks every other user for as long as the consumer takes, deadlocks if the consumer needs the lock itself, and if the consumer stops early the lock is released only when the generator is closed or garbage-collected, from another task or at loop shutdown (PEP 533).',
  bad: `import asyncio

lock = asyncio.Lock()


async def rows(cursor):
    async with lock:
        async for row in cursor:
            yield row
`,
  good: `import asyncio

lock = asyncio.Lock()


async def rows(cursor):
    async with lock:
        fetched = [row async for row in cursor]
    for row in fetched:
        yield row
`,
  query: '(yield) @yield',
  check({ yield: yieldNode }, { model, report }) {
    const fn = model.enclosingFunction(yieldNode);
    if (!fn?.isAsync || fn.isLambda) return;
    // @asynccontextmanager, pytest fixtures and other wrappers make yielding inside a with safe (or unknown).
    if (fn.decorators.some((d) => !TRANSPARENT_DECORATORS.has(decoratorName(d, model) ?? ''))) return;
    let held: { statement: Node; lock: Node } | null = null;
    for (let child = yieldNode, parent = yieldNode.parent; parent && parent.id !== fn.node.id; child = parent, parent = parent.parent) {
      if (parent.type !== 'with_statement' || parent.childForFieldName('body')?.id !== child.id) continue;
      const lock = contextManagersOf(parent).find((manager) => LOCK_TYPES.has(model.typeOf(manager) ?? ''));
      if (lock) held = { statement: parent, lock };
    }
    if (!held) return;
    const statement = `${isAsyncWith(held.statement) ? 'async with' : 'with'} ${snippet(held.lock, 40)}`;
    report(yieldNode, `\`yield\` inside \`${statement}\` in async generator \`${fn.name}\` suspends holding the lock: the consumer's code runs while it is held (and deadlocks if it takes the lock too), and if the consumer stops early it is released only when the generator is closed or collected; collect the values first and yield after the block`);
  },
});

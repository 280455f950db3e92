import { defineRule } from '../src/analyzer/rule.js';
import { lastPart } from '../src/analyzer/model/semantic-model.js';
import { contextManagersOf, isAsyncWith, WITH_QUERY } from './support/context-managers.js';
import { callSnippet } from './support/calls.js';

const LOCKS = ['Lock', 'RLock', 'Condition'];
const LIMITERS = ['Semaphore', 'BoundedSemaphore', 'CapacityLimiter'];

/** Constructors of locks and limiters, by module; what entering a fresh one fails to do. */
const FRESH: ReadonlyMap<string, 'lock' | 'limit'> = new Map([
  ...['asyncio', 'asyncio.locks', 'threading', 'multiprocessing', 'anyio', 'trio'].flatMap((module) => [
    ...LOCKS.map((name): [string, 'lock' | 'limit'] => [`${module}.${name}`, 'lock']),
    ...LIMITERS.map((name): [string, 'lock' | 'limit'] => [`${module}.${name}`, 'limit']),
  ]),
  ['trio.StrictFIFOLock', 'lock'],
]);

export default defineRule({
  name: 'fresh-lock',
  aliases: [],
  severity: 'error',
  what: 'Reports a lock, condition or semaphore created in the `with` / `async with` statement that enters it (`async with asyncio.Lock():`, `with threading.Lock():`, `async with asyncio.Semaphore(10):`), in async and sync code.',
  why: 'Every run of the statement makes a new lock that nothing else can ever hold, so it excludes no other task or thread (and a fresh semaphore limits nothing): the code it seems to protect runs concurrently anyway.',
  bad: `import asyncio


class Counter:
    def __init__(self):
        self.value = 0

    async def increment(self):
        async with asyncio.Lock():
            value = self.value
            await asyncio.sleep(0)
            self.value = value + 1
`,
  good: `import asyncio


class Counter:
    def __init__(self):
        self.value = 0
        self.lock = asyncio.Lock()

    async def increment(self):
        async with self.lock:
            value = self.value
            await asyncio.sleep(0)
            self.value = value + 1
`,
  query: WITH_QUERY,
  check({ with: statement }, { model, report }) {
    for (const manager of contextManagersOf(statement)) {
      if (manager.type !== 'call') continue;
      const callee = model.callee(manager);
      const kind = callee ? FRESH.get(callee) : undefined;
      if (!kind) continue;
      // A plain `with` on an asyncio lock in a coroutine fails first: sync-with-async-context-manager says so.
      if (!isAsyncWith(statement) && model.isAsyncOnlyContextManager(manager)) continue;
      const what = kind === 'lock' ? `it excludes nothing` : `it limits nothing`;
      report(manager, `\`${callSnippet(manager)}\` is created by the \`${isAsyncWith(statement) ? 'async with' : 'with'}\` that enters it (${model.describeContext(manager)}): each run gets a new ${lastPart(callee!)} that no other task or thread can hold, so ${what}; create it once (in \`__init__\` or at module level) and enter that one`);
    }
  },
});

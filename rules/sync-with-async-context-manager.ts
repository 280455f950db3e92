import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { insertAsyncBefore } from './support/async-keyword.js';
import { contextManagersOf, isAsyncWith, WITH_QUERY } from './support/context-managers.js';

export default defineRule({
  name: 'sync-with-async-context-manager',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports a plain `with` in a coroutine on a context manager that only `async with` can enter (asyncio locks, semaphores, `asyncio.timeout()`, TaskGroup, aiohttp/httpx async clients, aiofiles, classes with `__aenter__` but no `__enter__`).',
  why: 'These objects define only `__aenter__`/`__aexit__`: a plain `with` fails at runtime (TypeError or AttributeError), so the lock is never taken, the session never opened and the block never runs.',
  bad: `import asyncio

lock = asyncio.Lock()


async def update(state):
    with lock:
        state["count"] += 1
`,
  good: `import asyncio

lock = asyncio.Lock()


async def update(state):
    async with lock:
        state["count"] += 1
`,
  fix: 'Writes `async with` (when every context manager of the statement is async-only).',
  query: WITH_QUERY,
  check({ with: statement }, { model, report }) {
    if (isAsyncWith(statement) || !model.isInCoroutine(statement)) return;
    const managers = contextManagersOf(statement);
    const asyncOnly = managers.filter((manager) => model.isAsyncOnlyContextManager(manager));
    if (asyncOnly.length === 0) return;
    const allAsync = asyncOnly.length === managers.length;
    const named = asyncOnly.map((manager) => `\`${snippet(manager, 40)}\``).join(', ');
    const remedy = allAsync ? 'write `async with`' : 'enter it with `async with` (a separate statement from the plain context managers)';
    report(statement, `\`with\` on ${named} in ${model.describeContext(statement)}: only \`async with\` can enter it (it has no \`__enter__\`), so this fails at runtime; ${remedy}`, {
      endNode: statement.namedChildren.find((child) => child?.type === 'with_clause') ?? undefined,
      lineFix: allAsync && model.mayAwait(statement) ? insertAsyncBefore(statement, model) : undefined,
    });
  },
});

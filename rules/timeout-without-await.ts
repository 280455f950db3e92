import { defineRule } from '../src/analyzer/rule.js';
import { TIMEOUT_SCOPE_TYPES } from '../src/analyzer/model/known-apis.js';
import { contextManagersOf, enteredOfType, isAsyncWith, WITH_QUERY } from './support/context-managers.js';
import { snippet } from '../src/analyzer/rule-helpers.js';

export default defineRule({
  name: 'timeout-without-await',
  aliases: ['ASYNC100'],
  severity: 'warning',
  scope: 'coroutine',
  what: 'Reports a timeout scope (`async with asyncio.timeout()`, `with anyio.fail_after()`, `with trio.move_on_after()` …) whose body never awaits.',
  why: 'A timeout can only interrupt a task at an await point, so a body without one runs to completion whatever the deadline: the timeout does nothing and hides the fact that the slow part is outside it.',
  bad: `import asyncio


async def load(cache, key):
    async with asyncio.timeout(5):
        value = cache.lookup(key)
    return await value
`,
  good: `import asyncio


async def load(cache, key):
    async with asyncio.timeout(5):
        value = cache.lookup(key)
        return await value
`,
  query: WITH_QUERY,
  check({ with: statement, body }, { model, report }) {
    // `async with asyncio.timeout(1), lock:` awaits entering (and leaving) `lock` under the deadline, so in an
    // `async with` only the last context manager can be a timeout with nothing to interrupt.
    const timeout = isAsyncWith(statement)
      ? contextManagersOf(statement).at(-1) ?? null
      : enteredOfType(model, statement, TIMEOUT_SCOPE_TYPES);
    if (!timeout || !TIMEOUT_SCOPE_TYPES.has(model.typeOf(timeout) ?? '') || !model.isInCoroutine(statement)) return;
    // asyncio's timeout needs `async with`; anyio's and trio's are entered with plain `with`.
    const isAsyncioTimeout = model.typeOf(timeout) === 'asyncio.Timeout';
    if (isAsyncioTimeout !== isAsyncWith(statement)) return;
    if (model.awaitPointsIn(body).length > 0) return;
    const owner = model.enclosingFunction(statement);
    if (body.descendantsOfType('yield').some((y) => y && model.enclosingFunction(y) === owner)) return;
    report(statement, `\`${snippet(timeout)}\` in ${model.describeContext(statement)} has no await in its body, so it can never time out; await inside it or remove it`, {
      endNode: timeout,
    });
  },
});

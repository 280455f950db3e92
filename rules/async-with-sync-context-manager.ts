import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { contextManagersOf, isAsyncWith, WITH_QUERY } from './support/context-managers.js';
import { ASYNC_EQUIVALENTS } from '../src/analyzer/model/known-apis.js';

export default defineRule({
  name: 'async-with-sync-context-manager',
  aliases: [],
  severity: 'error',
  what: 'Reports `async with` on a context manager that only a plain `with` can enter: an instance of a class of this module or another project module with `__enter__` and no `__aenter__`, or a threading lock, semaphore or condition. (The mirror of `sync-with-async-context-manager`.)',
  why: '`async with` looks up `__aenter__`, which such objects lack: the statement raises TypeError ("does not support the asynchronous context manager protocol") before the block runs. A threading lock would also block the loop if it were entered: the async library\'s own lock is what was meant.',
  bad: `class Transaction:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


async def save(record):
    async with Transaction():
        record.save()
`,
  good: `class Transaction:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


async def save(record):
    with Transaction():
        record.save()
`,
  query: WITH_QUERY,
  mentions: /async\s+with/,
  check({ with: statement }, { model, report }) {
    if (!isAsyncWith(statement)) return;
    for (const manager of contextManagersOf(statement)) {
      if (!model.isSyncOnlyContextManager(manager)) continue;
      const type = model.typeOf(manager) ?? '';
      const equivalent = ASYNC_EQUIVALENTS.get(type);
      const remedy = equivalent ? `use \`${equivalent.asyncio}\` (trio: \`${equivalent.trio}\`, anyio: \`${equivalent.anyio}\`), which \`async with\` enters without blocking the loop` : 'enter it with a plain `with`';
      report(statement, `\`async with\` on \`${snippet(manager, 40)}\` in ${model.describeContext(statement)}: it has \`__enter__\` but no \`__aenter__\`, so this raises TypeError before the block runs; ${remedy}`, {
        endNode: statement.namedChildren.find((child) => child?.type === 'with_clause') ?? undefined,
      });
      return;
    }
  },
});

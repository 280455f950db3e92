import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { defineRule } from '../src/analyzer/rule.js';
import { isInCompatibilityBranch } from './support/version-guards.js';

/** What raises asyncio.TimeoutError (a class of its own before Python 3.11) when the time is up. */
const ASYNCIO_TIMEOUTS = new Set(['asyncio.wait_for', 'asyncio.tasks.wait_for', 'async_timeout.timeout', 'async_timeout.timeout_at']);

/** Handlers that catch what those raise on every Python. */
const ASYNCIO_TIMEOUT_ERRORS = new Set(['asyncio.TimeoutError', 'asyncio.exceptions.TimeoutError', 'async_timeout.TimeoutError',
  'builtins.Exception', 'builtins.BaseException']);

export default defineRule({
  name: 'timeout-error-alias',
  aliases: [],
  severity: 'error',
  what: 'Reports `except TimeoutError:` (the builtin) around `asyncio.wait_for()` or `async_timeout.timeout()` in a `try` whose handlers do not also catch `asyncio.TimeoutError`, where the project still supports Python 3.10 or older.',
  why: 'Until Python 3.11 `asyncio.TimeoutError` was a class of its own, not the builtin `TimeoutError`: on those Pythons the handler never runs and the timeout escapes as an unhandled exception. `asyncio.TimeoutError` works on every version (it is the builtin since 3.11).',
  bad: `import asyncio


async def fetch_or_default(fetch):
    try:
        return await asyncio.wait_for(fetch(), timeout=5)
    except TimeoutError:
        return None
`,
  good: `import asyncio


async def fetch_or_default(fetch):
    try:
        return await asyncio.wait_for(fetch(), timeout=5)
    except asyncio.TimeoutError:
        return None
`,
  fix: 'Writes `asyncio.TimeoutError` (when `asyncio` is imported as a module).',
  targetPython: 'Reported only where the project supports Python 3.10 or older; from 3.11 on the two names are one class.',
  query: '(try_statement) @try',
  mentions: /\bTimeoutError\b/,
  check({ try: statement }, { model, report }) {
    const owner = model.enclosingFunction(statement);
    const handlers = statement.namedChildren.filter((c): c is Node => c?.type === 'except_clause');
    if (handlers.length === 0) return;
    const all = handlers.flatMap(caughtTypes);
    if (!all.some((type) => type.text === 'TimeoutError')) return; // text first: resolving names costs more
    if (model.pythonHas([3, 11])) return;
    if (all.some((type) => ASYNCIO_TIMEOUT_ERRORS.has(model.qualifiedName(type) ?? '') && !isBuiltinTimeout(type, model))) return;
    const builtin = all.find((type) => isBuiltinTimeout(type, model));
    if (!builtin || isInCompatibilityBranch(statement)) return;
    // The body must start the timeout itself (not in a nested function).
    const body = statement.childForFieldName('body');
    const timed = body?.descendantsOfType('call').find((call) => !!call && ASYNCIO_TIMEOUTS.has(model.callee(call) ?? '')
      && model.enclosingFunction(call) === owner && !caughtInside(call, statement, model));
    if (!timed) return;
    const asyncio = model.moduleAlias('asyncio', builtin);
    const what = model.callee(timed)!.startsWith('async_timeout') ? '`async_timeout`' : '`asyncio.wait_for()`';
    report(builtin, `\`except TimeoutError\` around ${what} in ${model.describeContext(statement)} never catches its timeout on Python 3.10 and older, which the project supports: there it raises \`asyncio.TimeoutError\`, a different class; catch \`asyncio.TimeoutError\` (the same class as \`TimeoutError\` since 3.11)`, {
      replacement: asyncio ? `${asyncio}.TimeoutError` : undefined,
    });
  },
});

/** Does a `try` nested in `outer`'s body catch the timeout first (`except asyncio.TimeoutError`, `except
 *  Exception`, a bare `except:`)? */
function caughtInside(call: Node, outer: Node, model: SemanticModel): boolean {
  for (let child = call, parent = call.parent; parent && parent.id !== outer.id; child = parent, parent = parent.parent) {
    if (parent.type !== 'try_statement' || parent.childForFieldName('body')?.id !== child.id) continue;
    const handlers = parent.namedChildren.filter((c): c is Node => c?.type === 'except_clause');
    if (handlers.some((handler) => {
      const types = caughtTypes(handler);
      return types.length === 0 || types.some((type) => ASYNCIO_TIMEOUT_ERRORS.has(model.qualifiedName(type) ?? ''));
    })) return true;
  }
  return false;
}

/** The exception class expressions an except clause names: `TimeoutError`, `(OSError, TimeoutError)`. */
function caughtTypes(handler: Node): Node[] {
  let value = handler.childForFieldName('value') ?? handler.namedChildren.find((c) => c?.type !== 'block' && c?.type !== 'comment') ?? null;
  if (value?.type === 'as_pattern') value = value.namedChildren[0] ?? null;
  while (value?.type === 'parenthesized_expression') value = value.namedChildren.find((c) => c?.type !== 'comment') ?? null;
  if (!value) return [];
  return value.type === 'tuple' ? value.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [value];
}

function isBuiltinTimeout(type: Node, model: { qualifiedName(expr: Node): string | null }): boolean {
  return type.type === 'identifier' && model.qualifiedName(type) === 'builtins.TimeoutError';
}

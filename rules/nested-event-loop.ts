import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { awaitReplacement, snippet } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

/** What starts an event loop, by qualified name, and whether its first argument is what to await instead. */
const LOOP_STARTERS: ReadonlyMap<string, { awaitsArgument: boolean }> = new Map([
  ['asyncio.run', { awaitsArgument: true }],
  ['asyncio.runners.run', { awaitsArgument: true }],
  ['asyncio.AbstractEventLoop.run_until_complete', { awaitsArgument: true }],
  ['asyncio.AbstractEventLoop.run_forever', { awaitsArgument: false }],
]);

export default defineRule({
  name: 'nested-event-loop',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `asyncio.run()`, `loop.run_until_complete()` and `loop.run_forever()` called inside a coroutine.',
  why: 'A coroutine already runs on an event loop, and asyncio cannot start a loop while another runs in the same thread: the call raises RuntimeError ("cannot be called from a running event loop") and the coroutine passed to it is never awaited.',
  bad: `import asyncio


async def fetch():
    await asyncio.sleep(1)


async def main():
    asyncio.run(fetch())
`,
  good: `import asyncio


async def fetch():
    await asyncio.sleep(1)


async def main():
    await fetch()
`,
  fix: 'Replaces `asyncio.run(coro)` / `loop.run_until_complete(coro)` with `await coro` when the call has exactly that one argument.',
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const starter = LOOP_STARTERS.get(model.callee(call) ?? '');
    if (!starter || !model.isInCoroutine(call) || model.importsFrom('nest_asyncio')) return;
    const awaited = starter.awaitsArgument ? soleArgument(call) : null;
    const instead = awaited ? `write \`await ${awaited.type === 'call' ? callSnippet(awaited, 40) : snippet(awaited, 40)}\`` : 'await the work itself (or run that loop in another thread)';
    report(call, `\`${callSnippet(call)}\` starts an event loop inside ${model.describeContext(call)}, which already runs on one: it raises RuntimeError; ${instead}`, {
      replacement: (awaited && awaitReplacement(call, awaited, model)) || undefined,
    });
  },
});

/** The only argument of a call when it is a single positional expression (no keywords, no unpacking). */
function soleArgument(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  const named = args?.type === 'argument_list' ? args.namedChildren.filter((child) => child?.type !== 'comment') : [];
  const only = named.length === 1 ? named[0] : null;
  if (!only || ['keyword_argument', 'list_splat', 'dictionary_splat', 'parenthesized_expression'].includes(only.type)) return null;
  return only;
}
